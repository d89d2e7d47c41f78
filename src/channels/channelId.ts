import { type Address, encodeAbiParameters, type Hex, keccak256 } from "viem";
import { paramsAbiParameter } from "./abi.js";
import { ChannelError } from "./errors.js";
import type { ChannelParams } from "./types.js";

/** keccak256(abi.encode(uint256 chainId, address adjudicator, Params params)), as the adjudicator computes it. */
export function channelId(params: ChannelParams, chainId: number, adjudicator: Address): Hex {
  checkParams(params);
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, paramsAbiParameter],
      [
        BigInt(chainId),
        adjudicator,
        {
          participants: params.participants,
          payees: params.payees,
          nonce: params.nonce,
          challengePeriod: params.challengePeriod,
        },
      ],
    ),
  );
}

/** The adjudicator's limits (contracts/README.md): it refuses deposits into channels outside them. */
export const MAX_PARTICIPANTS = 32;
export const MAX_CHALLENGE_PERIOD = 365n * 24n * 3600n;

/** Rejects params the adjudicator could never pay out (mismatched lengths, duplicate signers). */
export function checkParams(params: ChannelParams): void {
  const n = params.participants.length;
  if (n < 2 || n > MAX_PARTICIPANTS) {
    throw new ChannelError("INVALID_PARAMS", `a channel needs 2 to ${MAX_PARTICIPANTS} participants`, { n });
  }
  if (params.payees.length !== n) {
    throw new ChannelError("INVALID_PARAMS", "payees and participants differ in length", {
      participants: n,
      payees: params.payees.length,
    });
  }
  const seen = new Set(params.participants.map((a) => a.toLowerCase()));
  if (seen.size !== n) throw new ChannelError("INVALID_PARAMS", "duplicate participant", { n });
  if ([...params.participants, ...params.payees].some((a) => BigInt(a) === 0n)) {
    throw new ChannelError("INVALID_PARAMS", "zero address as participant or payee");
  }
  if (params.nonce < 0n || params.challengePeriod < 1n || params.challengePeriod > MAX_CHALLENGE_PERIOD) {
    throw new ChannelError(
      "INVALID_PARAMS",
      "challengePeriod must be 1 s to 365 days and nonce non-negative",
      {
        challengePeriod: params.challengePeriod,
      },
    );
  }
}
