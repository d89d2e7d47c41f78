/**
 * The rules of the Kairos chain: our chain ID on the latest hardfork EthereumJS 10.1 implements, with
 * native crypto. USDC is the native coin (18 decimals); fees are never burned (see fees.ts).
 */
import { type Common, createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { nativeCustomCrypto } from "../crypto/customCrypto.js";

/** ASCII "KAIR". */
export const KAIROS_CHAIN_ID = 1_262_569_810n;
/** Osaka is the latest mainnet hardfork @ethereumjs 10.1.3 implements (BPO forks only change blob params). */
export const KAIROS_HARDFORK = Hardfork.Osaka;
/** One USDC in the native unit (18 decimals, like ether, because wallets require 18 for a native coin). */
export const USDC = 10n ** 18n;
/** Largest transaction we accept, as geth's txMaxSize. */
export const MAX_TX_SIZE = 128 * 1024;

/** One instance for every Common: loading the native addons once, and failing at start-up if missing. */
const nativeCrypto = nativeCustomCrypto();

export function createKairosCommon(chainId: bigint = KAIROS_CHAIN_ID): Common {
  return createCustomCommon({ chainId: Number(chainId), name: "kairos" }, Mainnet, {
    hardfork: KAIROS_HARDFORK,
    customCrypto: nativeCrypto,
  });
}
