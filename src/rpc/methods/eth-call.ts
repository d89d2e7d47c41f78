/** Simulations at a block: eth_call, eth_estimateGas, eth_createAccessList. */
import { z } from "zod";
import { resolveBlockId } from "../block-tag.js";
import { InvalidParamsError } from "../errors.js";
import { quantity } from "../format.js";
import { estimateGas } from "../gas-estimation.js";
import { defineMethod } from "../method.js";
import { blockTag, callMessage, LATEST, stateOverrides } from "../params.js";
import { callResult, cappedGas, simulationOptions, withinBudget } from "../simulation.js";

const callParams = z.tuple([
  callMessage,
  blockTag.nullish(),
  stateOverrides.nullish(),
  z.unknown().optional(),
]);

export const ethCallMethods = [
  defineMethod(
    "eth_call",
    ["transaction", "block", "stateOverrides", "blockOverrides"],
    callParams,
    async ([message, tag, overrides, blockOverrides], { backend, options }) => {
      if (blockOverrides != null)
        throw new InvalidParamsError("invalid argument 3 (blockOverrides): not supported");
      const at = await resolveBlockId(tag ?? LATEST, backend.chain);
      const budget = simulationOptions(options, overrides ?? undefined);
      const gas = cappedGas(message, options.gasCap);
      const outcome = await withinBudget(
        backend.simulator.call({ ...message, gas }, at, budget),
        budget.signal,
        options.executionTimeoutMs,
      );
      return callResult(outcome);
    },
  ),
  defineMethod(
    "eth_estimateGas",
    ["transaction", "block", "stateOverrides"],
    z.tuple([callMessage, blockTag.nullish(), stateOverrides.nullish()]),
    async ([message, tag, overrides], { backend, options }) => {
      const at = await resolveBlockId(tag ?? LATEST, backend.chain);
      const budget = simulationOptions(options, overrides ?? undefined);
      const ceiling = cappedGas(message, options.gasCap);
      const search = estimateGas((gas) => backend.simulator.call({ ...message, gas }, at, budget), ceiling);
      return quantity(await withinBudget(search, budget.signal, options.executionTimeoutMs));
    },
  ),
  defineMethod(
    "eth_createAccessList",
    ["transaction", "block", "stateOverrides"],
    z.tuple([callMessage, blockTag.nullish(), stateOverrides.nullish()]),
    async ([message, tag, overrides], { backend, options }) => {
      const at = await resolveBlockId(tag ?? LATEST, backend.chain);
      const budget = simulationOptions(options, overrides ?? undefined);
      const gas = cappedGas(message, options.gasCap);
      const outcome = await withinBudget(
        backend.simulator.createAccessList({ ...message, gas }, at, budget),
        budget.signal,
        options.executionTimeoutMs,
      );
      const result: Record<string, unknown> = {
        accessList: outcome.accessList,
        gasUsed: quantity(outcome.gasUsed),
      };
      if (outcome.error !== undefined) result.error = outcome.error;
      return result;
    },
  ),
];
