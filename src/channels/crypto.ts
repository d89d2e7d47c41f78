/**
 * How a Channel hashes, signs and checks states. Two implementations agree byte for byte:
 * viemCrypto (the reference: viem's hashTypedData / signTypedData / recoverAddress) and nativeCrypto
 * (libsecp256k1 and native keccak, ~15x faster, for throughput).
 */
import { type Address, bytesToHex, type Hex, hexToBytes, type LocalAccount, recoverAddress } from "viem";
import { ChannelError } from "./errors.js";
import { isLowS } from "./signature.js";
import { hashState, stateTypedData } from "./typedData.js";
import type { ChannelDomain, ChannelState } from "./types.js";

/** Hashes states of one domain and recovers their signers. */
export interface StateCrypto {
  /** The EIP-712 digest of `state` (32 bytes). */
  digest(state: ChannelState): Uint8Array;
  /** The signer of `digest`; throws ChannelError BAD_SIGNATURE / HIGH_S_SIGNATURE. */
  recover(digest: Uint8Array, signature: Hex): Address | Promise<Address>;
  /**
   * Optional fast path of `recover(digest, signature) == expected`, with the same errors: an
   * implementation that knows `expected`'s public key may compare keys instead of hashing to an address.
   */
  verify?(digest: Uint8Array, signature: Hex, expected: Address): boolean;
}

/** One participant's signing key. `digest` is `crypto.digest(state)`, passed so nobody hashes twice. */
export interface StateSigner {
  readonly address: Address;
  sign(state: ChannelState, digest: Uint8Array): Hex | Promise<Hex>;
}

/** The reference implementation on viem alone. */
export function viemCrypto(domain: ChannelDomain): StateCrypto {
  return {
    digest: (state) => hexToBytes(hashState(state, domain)),
    async recover(digest, signature) {
      if (!isLowS(signature)) throw new ChannelError("HIGH_S_SIGNATURE", "signature has a high s value");
      try {
        return await recoverAddress({ hash: bytesToHex(digest), signature });
      } catch (cause) {
        throw new ChannelError("BAD_SIGNATURE", "signature does not recover", { cause: String(cause) });
      }
    },
  };
}

/** Signs with any viem LocalAccount through signTypedData (what a wallet would do). */
export function accountSigner(account: LocalAccount, domain: ChannelDomain): StateSigner {
  return {
    address: account.address,
    sign: (state) => account.signTypedData(stateTypedData(state, domain)),
  };
}

/** Recovers the signer of `signature` over `state` and checks it is `expected`. */
export async function checkSignature(
  crypto: StateCrypto,
  digest: Uint8Array,
  signature: Hex,
  expected: Address,
): Promise<void> {
  if (crypto.verify !== undefined) {
    if (crypto.verify(digest, signature, expected)) return;
    throw new ChannelError("BAD_SIGNATURE", "state not signed by the expected participant", { expected });
  }
  const signer = await crypto.recover(digest, signature);
  if (signer.toLowerCase() !== expected.toLowerCase()) {
    throw new ChannelError("BAD_SIGNATURE", "state not signed by the expected participant", {
      expected,
      signer,
    });
  }
}
