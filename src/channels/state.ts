/**
 * Pure rules over channel states: validity, the next state of a payment, and what a participant may
 * countersign. No I/O, no signatures: Channel combines these with crypto, transport and store.
 */
import type { Hex } from "viem";
import { ChannelError } from "./errors.js";
import type { ChannelState } from "./types.js";

/** The adjudicator packs registered versions into a uint64. */
export const MAX_VERSION = 2n ** 64n - 1n;

const sum = (xs: readonly bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);

/** The state both sides sign before anyone deposits: zero accounted deposits, so payout = what was deposited. */
export function prefundState(channelId: Hex, participants: number): ChannelState {
  const zeros = Array.from({ length: participants }, () => 0n);
  return { channelId, version: 0n, balances: zeros, deposits: zeros, isFinal: false };
}

/** Throws unless `state` could be paid out: right channel and width, no negatives, sum(balances) == sum(deposits). */
export function checkStateValid(state: ChannelState, channelId: Hex, participants: number): void {
  if (state.channelId.toLowerCase() !== channelId.toLowerCase()) {
    throw new ChannelError("WRONG_CHANNEL", "state belongs to another channel", {
      expected: channelId,
      got: state.channelId,
    });
  }
  if (state.balances.length !== participants || state.deposits.length !== participants) {
    throw new ChannelError("INVALID_STATE", "balances and deposits must have one entry per participant", {
      participants,
    });
  }
  if (state.balances.some((b) => b < 0n)) {
    throw new ChannelError("OVERSPEND", "a balance would go below zero", { balances: state.balances });
  }
  if (state.version < 0n || state.deposits.some((d) => d < 0n)) {
    throw new ChannelError("INVALID_STATE", "negative version or deposit");
  }
  const balances = sum(state.balances);
  const deposits = sum(state.deposits);
  if (balances !== deposits) {
    throw new ChannelError("CONSERVATION", "sum(balances) != sum(deposits)", { balances, deposits });
  }
}

/** The state after `payer` pays `amount` to `payee`, on top of `from`. */
export function paymentState(from: ChannelState, payer: number, payee: number, amount: bigint): ChannelState {
  if (from.isFinal)
    throw new ChannelError("FINALIZED", "the channel has a final state", { version: from.version });
  if (amount <= 0n) throw new ChannelError("INVALID_STATE", "a payment must be positive", { amount });
  if (payer === payee) throw new ChannelError("INVALID_STATE", "payer and payee are the same participant");
  const available = from.balances[payer];
  if (amount > available)
    throw new ChannelError("OVERSPEND", "payment exceeds the payer's balance", { amount, available });
  const balances = from.balances.slice();
  balances[payer] = available - amount;
  balances[payee] = balances[payee] + amount;
  return {
    channelId: from.channelId,
    version: from.version + 1n,
    balances,
    deposits: from.deposits,
    isFinal: false,
  };
}

/** The final state: the same split, one version up, marked final so the adjudicator pays out at once. */
export function finalState(from: ChannelState): ChannelState {
  if (from.isFinal)
    throw new ChannelError("FINALIZED", "the channel already has a final state", { version: from.version });
  return { ...from, version: from.version + 1n, isFinal: true };
}

/**
 * The rules a participant checks before countersigning `next` proposed by `proposer` on top of its own
 * latest co-signed `current`:
 * - nothing follows a final state;
 * - a higher version (a replay is refused; gaps are fine: a version given up after a failed update is
 *   never proposed again, so the next one skips it);
 * - valid (conservation, width, channel);
 * - deposits only grow, and only as far as `confirmedDeposits` (what the chain holds) allows;
 * - beyond its own new deposits, the proposer's balance may only go down and nobody else's may.
 */
export function checkUpdate(
  current: ChannelState,
  next: ChannelState,
  proposer: number,
  confirmedDeposits?: readonly bigint[],
): void {
  const n = current.balances.length;
  if (current.isFinal)
    throw new ChannelError("FINALIZED", "the channel has a final state", { version: current.version });
  if (next.version <= current.version) {
    throw new ChannelError("STALE_VERSION", "version is not above the latest", {
      latest: current.version,
      got: next.version,
    });
  }
  if (next.version > MAX_VERSION) {
    throw new ChannelError("INVALID_STATE", "version beyond what the adjudicator can register", {
      version: next.version,
    });
  }
  checkStateValid(next, current.channelId, n);
  if (proposer < 0 || proposer >= n)
    throw new ChannelError("INVALID_STATE", "unknown proposer", { proposer });
  for (let j = 0; j < n; j++) {
    const depositDelta = next.deposits[j] - current.deposits[j];
    if (depositDelta < 0n)
      throw new ChannelError("DEPOSITS_CHANGED", "accounted deposits may not shrink", { participant: j });
    if (depositDelta > 0n && (confirmedDeposits === undefined || next.deposits[j] > confirmedDeposits[j])) {
      throw new ChannelError("DEPOSITS_CHANGED", "deposit not confirmed on-chain", {
        participant: j,
        claimed: next.deposits[j],
        confirmed: confirmedDeposits?.[j],
      });
    }
    // What j gained or lost apart from its own new deposit.
    const transfer = next.balances[j] - current.balances[j] - depositDelta;
    if (j === proposer ? transfer > 0n : transfer < 0n) {
      throw new ChannelError("BALANCE_DECREASE", "only the proposer's balance may go down", {
        participant: j,
        proposer,
        change: transfer,
      });
    }
  }
  if (next.isFinal) {
    for (let j = 0; j < n; j++) {
      if (next.balances[j] !== current.balances[j] || next.deposits[j] !== current.deposits[j]) {
        throw new ChannelError("INVALID_STATE", "a final state must keep the latest split", {
          participant: j,
        });
      }
    }
  }
}
