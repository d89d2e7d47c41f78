/**
 * eth_estimateGas: the least gas limit with which the message succeeds, by binary search over
 * simulations (success is assumed monotonic in the gas limit, as geth and anvil assume).
 */
import type { CallOutcome } from "./backend.js";
import { ErrorCode, RpcError } from "./errors.js";
import { outcomeError } from "./simulation.js";

/** Runs the message with a given gas limit. */
export type RunWithGas = (gas: bigint) => Promise<CallOutcome>;

export async function estimateGas(run: RunWithGas, ceiling: bigint): Promise<bigint> {
  const first = await run(ceiling);
  if (first.status !== "success") {
    if (first.status === "halted" && isOutOfGas(first.error)) {
      throw new RpcError(ErrorCode.server, `gas required exceeds allowance (${ceiling})`);
    }
    throw outcomeError(first);
  }
  // A limit below the gas used fails for certain (refunds are paid after execution, so the limit
  // must cover at least what was used); everything at or above `hi` is known to succeed.
  let lo = first.gasUsed - 1n;
  let hi = ceiling;
  // Most messages need little more than they use (63/64 rule for calls, 2300 stipend): try that first.
  const optimistic = ((first.gasUsed + 2_300n) * 64n) / 63n;
  if (optimistic < hi) {
    if ((await run(optimistic)).status === "success") hi = optimistic;
    else lo = optimistic;
  }
  while (lo + 1n < hi) {
    const mid = (lo + hi) / 2n;
    if ((await run(mid)).status === "success") hi = mid;
    else lo = mid;
  }
  return hi;
}

function isOutOfGas(error: string | undefined): boolean {
  return error !== undefined && /out of gas/i.test(error);
}
