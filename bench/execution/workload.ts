/**
 * The execution benches' shared workload: a genesis of funded senders holding bench tokens, signed
 * transfers (plain USDC or ERC-20), and one block built on the chain's final head from given
 * transactions.
 */
import type { Common } from "@ethereumjs/common";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { type Address, createAddressFromString } from "@ethereumjs/util";
import { encodeFunctionData, type Hex, keccak256, parseAbi, toHex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import type { BlockBuilder, BuiltBlock } from "../../src/execution/block-builder.js";
import type { Blockchain } from "../../src/execution/blockchain.js";
import { USDC } from "../../src/execution/chain.js";
import { createGenesis, type Genesis, parseGenesis } from "../../src/execution/genesis.js";
import type { DecodedTransaction } from "../../src/execution/tx-validation.js";
import { balanceSlot, compileBenchToken } from "./token.js";

export const TOKEN: Hex = "0x00000000000000000000000000000000000070c0";
export const FEE_RECIPIENT: Address = createAddressFromString("0x00000000000000000000000000000000000fee01");
const tokenAbi = parseAbi(["function transfer(address to, uint256 value) returns (bool)"]);

export type TransferKind = "transfer" | "erc20";

/** `count` deterministic sender keys (the same on every run). */
export function benchKeys(count: number): Hex[] {
  return Array.from({ length: count }, (_, i) => keccak256(toHex(`kairos-bench-${i}`)));
}

/** Every sender holds 1,000 USDC and plenty of bench tokens; the block gas limit fits 1,000 ERC-20 transfers. */
export function benchGenesis(keys: readonly Hex[]): Genesis {
  const senders = keys.map((k) => privateKeyToAddress(k));
  const storage: Record<Hex, Hex> = {};
  for (const sender of senders) storage[balanceSlot(sender)] = toHex(10n ** 30n);
  return parseGenesis(
    createGenesis({
      // 1,000 ERC-20 transfers to new holders use ~51M gas: more than the devnet's 30M block.
      gasLimit: 60_000_000,
      validators: [
        { index: 0, blsPublicKey: "0x00", peerId: "bench", feeRecipient: FEE_RECIPIENT.toString() },
      ],
      alloc: {
        ...Object.fromEntries(senders.map((s) => [s, { balance: 1_000n * USDC }])),
        [TOKEN]: { balance: 0n, code: compileBenchToken(), storage },
      },
    }),
  );
}

/** A signed EIP-1559 transfer of 1 unit (USDC wei, or one token unit) to `recipient`. */
export function signedTransfer(
  common: Common,
  key: Hex,
  kind: TransferKind,
  recipient: Hex,
  nonce: bigint,
): Uint8Array {
  const fields =
    kind === "transfer"
      ? { to: recipient, value: 1n, gasLimit: 21_000n }
      : {
          to: TOKEN,
          value: 0n,
          gasLimit: 80_000n,
          data: encodeFunctionData({ abi: tokenAbi, functionName: "transfer", args: [recipient, 1n] }),
        };
  return createFeeMarket1559Tx(
    {
      ...fields,
      nonce,
      chainId: common.chainId(),
      maxFeePerGas: 10n ** 11n,
      maxPriorityFeePerGas: 10n ** 9n,
    },
    { common },
  )
    .sign(Uint8Array.from(Buffer.from(key.slice(2), "hex")))
    .serialize();
}

/** A fresh recipient address per (round, sender), so every transfer creates an account. */
export function recipientOf(round: number, sender: number): Hex {
  return keccak256(toHex(`recipient-${round}-${sender}`)).slice(0, 42) as Hex;
}

/** Builds the next block on the final head (proposer 0, view = height) from exactly these transactions. */
export function buildOnHead(
  chain: Blockchain,
  builder: BlockBuilder,
  transactions: readonly DecodedTransaction[],
): Promise<BuiltBlock> {
  const parent = chain.finalHead.header;
  let next = 0;
  return builder.build({
    parent,
    view: Number(parent.number) + 1,
    proposer: 0,
    feeRecipient: FEE_RECIPIENT,
    timestamp: parent.timestamp + 1n,
    candidates: { next: () => transactions[next++], skipSender: () => {} },
  });
}
