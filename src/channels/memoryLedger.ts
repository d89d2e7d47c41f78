import type { Hex } from "viem";
import type { DepositLedger } from "./adjudicator.js";

/**
 * Deposits known without a chain: for channels simulated off-chain (benchmarks, demos) where both sides
 * agree what was deposited. Never use it for a channel backed by real funds: use the adjudicator.
 */
export class MemoryDepositLedger implements DepositLedger {
  private readonly totals = new Map<string, bigint>();

  credit(channelId: Hex, participant: number, amount: bigint): void {
    const key = `${channelId.toLowerCase()}:${participant}`;
    this.totals.set(key, (this.totals.get(key) ?? 0n) + amount);
  }

  async totalDeposited(channelId: Hex, participant: number): Promise<bigint> {
    return this.totals.get(`${channelId.toLowerCase()}:${participant}`) ?? 0n;
  }
}
