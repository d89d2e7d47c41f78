import { ConsensusConfigError } from "./errors.js";

/** The two Minimmit quorums (DESIGN §2): M for view progression, L for finality. */
export interface Quorums {
  n: number;
  f: number;
  /** M = 2f + 1: an M-notarization or a nullification lets a validator leave a view. */
  m: number;
  /** L = n − f: an L-notarization makes a block final. */
  l: number;
}

/** The largest f that Minimmit tolerates with n validators: n ≥ 5f + 1. */
export function maxFaults(n: number): number {
  return Math.floor((n - 1) / 5);
}

/** Quorums for n validators; `f` may be configured lower than the maximum, never higher. */
export function quorums(n: number, f: number = maxFaults(n)): Quorums {
  if (!Number.isInteger(n) || n < 1) throw new ConsensusConfigError("n must be a positive integer", { n });
  if (!Number.isInteger(f) || f < 0 || n < 5 * f + 1) {
    throw new ConsensusConfigError("Minimmit needs n >= 5f + 1", { n, f });
  }
  return { n, f, m: 2 * f + 1, l: n - f };
}
