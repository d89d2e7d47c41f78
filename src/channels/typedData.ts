/**
 * The EIP-712 shape of a channel state and the reference (viem) path for signing and verifying it.
 * The fast path in nativeCrypto.ts must produce the same digests and signatures; tests hold them together.
 */
import {
  type Address,
  type Hash,
  type Hex,
  hashTypedData,
  type LocalAccount,
  recoverTypedDataAddress,
} from "viem";
import { ChannelError } from "./errors.js";
import { isLowS } from "./signature.js";
import type { ChannelDomain, ChannelState } from "./types.js";

export const DOMAIN_NAME = "Kairos Channels";
export const DOMAIN_VERSION = "1";

export const stateTypes = {
  State: [
    { name: "channelId", type: "bytes32" },
    { name: "version", type: "uint256" },
    { name: "balances", type: "uint256[]" },
    { name: "deposits", type: "uint256[]" },
    { name: "isFinal", type: "bool" },
  ],
} as const;

/** The full typed-data object for `state`: what a wallet shows and signs. */
export function stateTypedData(state: ChannelState, domain: ChannelDomain) {
  return {
    domain: {
      name: DOMAIN_NAME,
      version: DOMAIN_VERSION,
      chainId: domain.chainId,
      verifyingContract: domain.adjudicator,
    },
    types: stateTypes,
    primaryType: "State",
    message: {
      channelId: state.channelId,
      version: state.version,
      balances: state.balances,
      deposits: state.deposits,
      isFinal: state.isFinal,
    },
  } as const;
}

/** The EIP-712 digest of `state` (viem's hashTypedData). */
export function hashState(state: ChannelState, domain: ChannelDomain): Hash {
  return hashTypedData(stateTypedData(state, domain));
}

/** Signs `state` with a viem account (private key, mnemonic or any LocalAccount). */
export async function signState(
  account: Pick<LocalAccount, "signTypedData">,
  state: ChannelState,
  domain: ChannelDomain,
): Promise<Hex> {
  return account.signTypedData(stateTypedData(state, domain));
}

/**
 * The address that signed `state`, or a ChannelError. High-s signatures are refused because the
 * adjudicator (OpenZeppelin ECDSA) refuses them: accepting one off-chain would leave us holding a state
 * we could never enforce.
 */
export async function recoverStateSigner(
  state: ChannelState,
  domain: ChannelDomain,
  signature: Hex,
): Promise<Address> {
  if (!isLowS(signature)) throw new ChannelError("HIGH_S_SIGNATURE", "signature has a high s value");
  try {
    return await recoverTypedDataAddress({ ...stateTypedData(state, domain), signature });
  } catch (cause) {
    throw new ChannelError("BAD_SIGNATURE", "signature does not recover", { cause: String(cause) });
  }
}

/** True if `signature` is `signer`'s low-s signature of `state`. */
export async function verifyState(
  state: ChannelState,
  domain: ChannelDomain,
  signature: Hex,
  signer: Address,
): Promise<boolean> {
  try {
    return (await recoverStateSigner(state, domain, signature)).toLowerCase() === signer.toLowerCase();
  } catch (err) {
    if (err instanceof ChannelError) return false;
    throw err;
  }
}
