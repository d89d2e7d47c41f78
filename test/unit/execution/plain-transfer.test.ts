import { type Address, createAddressFromString } from "@ethereumjs/util";
import { bytesToHex, type Hex, numberToHex, pad } from "viem";
import { describe, expect, it } from "vitest";
import { BlockBuilder } from "../../../src/execution/block-builder.js";
import { BlockExecution, type ExecutionOutcome } from "../../../src/execution/block-execution.js";
import type { Blockchain } from "../../../src/execution/blockchain.js";
import { DEV_ACCOUNT_BALANCE } from "../../../src/execution/genesis.js";
import type { ExecutionReceipt } from "../../../src/execution/receipts.js";
import type { DecodedTransaction } from "../../../src/execution/tx-validation.js";
import { USDC_PRECOMPILE_ADDRESS, USDC_TOKEN_ADDRESS } from "../../../src/execution/usdc-precompile.js";
import { COUNTER_INIT } from "./contracts.js";
import {
  candidates,
  decoded,
  devKeys,
  FEE_RECIPIENT,
  openChain,
  seededRandom,
  signTx,
  type TxFields,
  testGenesis,
} from "./helpers.js";

/** An empty account that exists in genesis: a transfer of 0 to it removes it (EIP-161). */
const EMPTY_ACCOUNT: Hex = "0x00000000000000000000000000000000000e0000";
const CONTRACT: Hex = "0x00000000000000000000000000000000005107e0";

interface Run {
  receipts: (ExecutionReceipt | string)[];
  outcome: ExecutionOutcome;
}

/** Runs `txs` in one block on the chain's head; `throughEvm` forces every transaction through runTx. */
async function run(
  chain: Blockchain,
  txs: DecodedTransaction[],
  block: { coinbase: Address; baseFeePerGas: bigint },
  throughEvm: boolean,
): Promise<Run> {
  const parent = chain.finalHead.header;
  const execution = await BlockExecution.begin(chain.context, parent.stateRoot, {
    parentHash: parent.hash(),
    number: parent.number + 1n,
    gasLimit: parent.gasLimit,
    timestamp: parent.timestamp + 1n,
    ...block,
  });
  // Asking for the EVM is what a tracer does: every transaction then runs in it.
  if (throughEvm) expect(execution.evm).toBeDefined();
  const receipts: (ExecutionReceipt | string)[] = [];
  for (const tx of txs) {
    try {
      receipts.push((await execution.apply(tx)).receipt);
    } catch (error) {
      receipts.push((error as Error).message);
    }
  }
  return { receipts, outcome: await execution.finish() };
}

describe("plain transfers without the EVM", () => {
  it("leave the same state roots, receipts, logs and rejections as the EVM over random blocks", async () => {
    const chain = await openChain(
      undefined,
      testGenesis({
        ...Object.fromEntries(devKeys.map((k) => [k.address, { balance: DEV_ACCOUNT_BALANCE }])),
        [EMPTY_ACCOUNT]: { balance: 0n },
        [CONTRACT]: { balance: 0n, code: "0x602035600035550000" },
      }),
    );
    const { common } = chain;
    const next = seededRandom(11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const recipients: Hex[] = [
      ...devKeys.map((k) => k.address),
      FEE_RECIPIENT,
      EMPTY_ACCOUNT,
      CONTRACT,
      USDC_PRECOMPILE_ADDRESS,
      USDC_TOKEN_ADDRESS,
      "0x0000000000000000000000000000000000000001",
      "0x0000000000000000000000000000000000000004",
    ];
    let transfers = 0;
    for (let round = 0; round < 6; round++) {
      const nonces = await Promise.all(
        devKeys.map(async (k) => {
          const state = await chain.world.at(chain.finalHead.header.stateRoot);
          return (await state.getAccount(createAddressFromString(k.address)))?.nonce ?? 0n;
        }),
      );
      const txs: DecodedTransaction[] = [];
      for (let i = 0; i < 60; i++) {
        const k = Math.floor(next() * devKeys.length);
        const roll = next();
        const to =
          roll < 0.3 ? pad(numberToHex(Math.floor(next() * 2 ** 40)), { size: 20 }) : pick(recipients);
        const fields: TxFields = {
          nonce: nonces[k]++,
          to,
          value: pick([0n, 1n, 10n ** 18n]),
          type: pick([0, 1, 2] as const),
          gasLimit: pick([21_000n, 30_000n, 100_000n]),
          gasPrice: pick([7_000_000_000n, 9_000_000_000n]),
          maxFeePerGas: pick([7_000_000_000n, 20_000_000_000n]),
          maxPriorityFeePerGas: pick([0n, 1_000_000_000n, 5_000_000_000n]),
        };
        if (next() < 0.1) fields.data = "0x01";
        if (next() < 0.05) {
          fields.to = undefined;
          fields.data = COUNTER_INIT;
          fields.gasLimit = 200_000n;
        }
        if (next() < 0.05) fields.value = 10n ** 30n; // more than any balance: rejected
        if (next() < 0.05) fields.nonce += 5n; // a gap: rejected, and the sender's next ones too
        const tx = decoded(common, signTx(common, devKeys[k], fields));
        txs.push(tx);
        if (fields.data === undefined && fields.to !== undefined) transfers++;
      }
      const block = {
        // Fees to a stranger, to a sender of the block, or to nobody's account yet.
        coinbase: createAddressFromString(pick([FEE_RECIPIENT, devKeys[0].address, EMPTY_ACCOUNT])),
        baseFeePerGas: pick([0n, 7_000_000_000n]),
      };
      const fast = await run(chain, txs, block, false);
      const evm = await run(chain, txs, block, true);
      expect(fast.receipts, `round ${round}`).toEqual(evm.receipts);
      expect(bytesToHex(fast.outcome.stateRoot), `round ${round}`).toBe(bytesToHex(evm.outcome.stateRoot));
      expect(bytesToHex(fast.outcome.receiptsRoot)).toBe(bytesToHex(evm.outcome.receiptsRoot));
      expect(bytesToHex(fast.outcome.logsBloom)).toBe(bytesToHex(evm.outcome.logsBloom));
      expect(fast.outcome.gasUsed).toBe(evm.outcome.gasUsed);
      // Move the chain on with a block of these transactions, so the next round starts from new state.
      const built = await new BlockBuilder(chain.context, chain.genesis.feeParams).build({
        parent: chain.finalHead.header,
        view: round + 1,
        proposer: 0,
        feeRecipient: block.coinbase,
        timestamp: chain.finalHead.header.timestamp + 1n,
        candidates: candidates(txs),
      });
      await chain.commitFinal(built);
    }
    expect(transfers).toBeGreaterThan(200);
  });
});
