/**
 * The devnet's genesis: n validators with deterministic, publicly known keys (dev only), the 10
 * standard dev accounts funded with 10,000 USDC each, and the USDC ERC-20 view installed at its fixed
 * address. `genesis/devnet.json` is this function's output for n = 6; a test keeps the two equal.
 */
import { readFileSync } from "node:fs";
import { mnemonicToAccount } from "viem/accounts";
import { devnetValidatorKeys, identityOf } from "../crypto/keyFiles.js";
import {
  type AllocEntry,
  createGenesis,
  DEV_ACCOUNT_BALANCE,
  DEV_MNEMONIC,
  devAccounts,
  type GenesisFile,
  type ValidatorEntry,
} from "../execution/genesis.js";
import { USDC_TOKEN_ADDRESS } from "../execution/usdc-precompile.js";

/** Fee recipients are the mnemonic's accounts 10, 11, …: unfunded, so their balance is what they earned. */
const FEE_RECIPIENT_OFFSET = 10;

export async function devnetValidators(n: number): Promise<ValidatorEntry[]> {
  const validators: ValidatorEntry[] = [];
  for (let index = 0; index < n; index++) {
    const identity = identityOf(await devnetValidatorKeys(index));
    validators.push({
      index,
      blsPublicKey: identity.blsPublicKey,
      peerId: identity.peerId,
      feeRecipient: mnemonicToAccount(DEV_MNEMONIC, { addressIndex: FEE_RECIPIENT_OFFSET + index }).address,
    });
  }
  return validators;
}

export function usdcRuntimeCode(): `0x${string}` {
  const artifact = JSON.parse(
    readFileSync(new URL("../../contracts/build/USDC.json", import.meta.url), "utf8"),
  ) as { deployedBytecode: `0x${string}` };
  return artifact.deployedBytecode;
}

export async function devnetGenesis(n: number): Promise<GenesisFile> {
  const alloc: Record<`0x${string}`, AllocEntry> = Object.fromEntries(
    devAccounts().map((address) => [address, { balance: DEV_ACCOUNT_BALANCE }]),
  );
  alloc[USDC_TOKEN_ADDRESS] = { balance: 0n, code: usdcRuntimeCode() };
  return createGenesis({ validators: await devnetValidators(n), alloc });
}
