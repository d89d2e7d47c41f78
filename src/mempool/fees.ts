/** Fee arithmetic shared by ordering, eviction and replace-by-fee. */
import type { PoolTransaction } from "./types.js";

/**
 * What the block's proposer earns per gas: min(maxPriorityFee, maxFee − baseFee). Negative when the fee
 * cap is below the base fee (the transaction is parked until the base fee falls).
 */
export function effectiveTip(
  tx: Pick<PoolTransaction, "maxFee" | "maxPriorityFee">,
  baseFee: bigint,
): bigint {
  const headroom = tx.maxFee - baseFee;
  // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints
  return headroom < tx.maxPriorityFee ? headroom : tx.maxPriorityFee;
}

/**
 * Replace-by-fee: the new transaction must raise both the fee cap and the tip by at least `bumpPercent`
 * percent. Exact (no rounding): new * 100 ≥ old * (100 + bump).
 */
export function bumpsEnough(
  old: Pick<PoolTransaction, "maxFee" | "maxPriorityFee">,
  replacement: Pick<PoolTransaction, "maxFee" | "maxPriorityFee">,
  bumpPercent: bigint,
): boolean {
  const factor = 100n + bumpPercent;
  return (
    replacement.maxFee * 100n >= old.maxFee * factor &&
    replacement.maxPriorityFee * 100n >= old.maxPriorityFee * factor
  );
}
