/** Simulations at a block: eth_call, eth_estimateGas, eth_createAccessList. */
import type { Address } from "viem";
import { z } from "zod";
import type { BlockId, CallMessage, StateOverrides, StateReader } from "../backend.js";
import { resolveBlockId } from "../block-tag.js";
import { ErrorCode, InvalidParamsError, RpcError } from "../errors.js";
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
      const ceiling = await gasAllowance(
        message,
        cappedGas(message, options.gasCap),
        at,
        backend.state,
        overrides,
      );
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

/**
 * As geth does: when the message pays for gas, search no higher than what the sender can pay for
 * after the value it sends (state overrides included).
 */
async function gasAllowance(
  message: CallMessage,
  ceiling: bigint,
  at: BlockId,
  state: StateReader,
  overrides: StateOverrides | null | undefined,
): Promise<bigint> {
  const feeCap = message.gasPrice ?? message.maxFeePerGas ?? 0n;
  if (feeCap === 0n || message.from === undefined) return ceiling;
  const from: Address = message.from;
  const balance = overrides?.get(from)?.balance ?? (await state.balance(from, at));
  const value = message.value ?? 0n;
  if (value > balance) throw new RpcError(ErrorCode.server, "insufficient funds for transfer");
  const allowance = (balance - value) / feeCap;
  return allowance < ceiling ? allowance : ceiling;
}
