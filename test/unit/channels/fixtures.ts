/** Shared test setup: the dev mnemonic's first accounts, a domain and a two-party channel's params. */
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { ChannelDomain, ChannelParams } from "../../../src/channels/types.js";

/** Accounts 0..2 of `test test … junk` (m/44'/60'/0'/0/i); checked against the mnemonic in helpers.test.ts. */
export const DEV_KEYS: readonly Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
];
export const alice = privateKeyToAccount(DEV_KEYS[0]);
export const bob = privateKeyToAccount(DEV_KEYS[1]);
export const carol = privateKeyToAccount(DEV_KEYS[2]);

export const CHAIN_ID = 1262569810;
export const domain: ChannelDomain = {
  chainId: CHAIN_ID,
  adjudicator: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
};

export const params: ChannelParams = {
  participants: [alice.address, bob.address],
  payees: [alice.address, bob.address],
  nonce: 1n,
  challengePeriod: 60n,
};

export const USDC = 10n ** 18n;
