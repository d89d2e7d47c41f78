/**
 * EIP-1559 on Kairos. The base fee moves per block exactly as on Ethereum (with our own parameters and a
 * floor so that an idle chain keeps a sane price), but it is not burned: the proposer's fee recipient
 * receives the base fee and the tip, so the sum of all balances always equals the genesis supply.
 */

import type { MerkleStateManager } from "@ethereumjs/statemanager";
import type { Address } from "@ethereumjs/util";

export interface FeeParams {
  /** Ethereum: 8 (the base fee moves at most 12.5 % per block). */
  baseFeeChangeDenominator: bigint;
  /** Ethereum: 2 (the gas target is half the gas limit). */
  elasticityMultiplier: bigint;
  /** The base fee never falls below this. */
  minBaseFeePerGas: bigint;
}

export function nextBaseFee(
  parent: { gasUsed: bigint; gasLimit: bigint; baseFeePerGas: bigint },
  params: FeeParams,
): bigint {
  const target = parent.gasLimit / params.elasticityMultiplier;
  const base = parent.baseFeePerGas;
  let next = base;
  if (parent.gasUsed > target) {
    const delta = (base * (parent.gasUsed - target)) / target / params.baseFeeChangeDenominator;
    next = base + (delta > 0n ? delta : 1n);
  } else if (parent.gasUsed < target) {
    next = base - (base * (target - parent.gasUsed)) / target / params.baseFeeChangeDenominator;
  }
  return next < params.minBaseFeePerGas ? params.minBaseFeePerGas : next;
}

/**
 * EthereumJS pays the coinbase only the tip and burns `gasUsed * baseFee`. Credit that part back to
 * the coinbase. Call right after a successful `runTx`, before the next transaction.
 */
export async function creditBurnedFee(
  stateManager: MerkleStateManager,
  coinbase: Address,
  amountSpent: bigint,
  minerValue: bigint,
): Promise<void> {
  const burned = amountSpent - minerValue;
  if (burned <= 0n) return;
  const account = await stateManager.getAccount(coinbase);
  await stateManager.modifyAccountFields(coinbase, { balance: (account?.balance ?? 0n) + burned });
}
