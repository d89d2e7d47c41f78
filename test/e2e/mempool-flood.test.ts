/**
 * Flood one validator's JSON-RPC with 10,000 transfers from 100 senders, sent out of nonce order (gaps
 * that fill later), mixed with invalid transactions and replacements, then read the chain back: every
 * valid transaction lands exactly once and in nonce order, replaced and invalid ones never land, and
 * every balance — and the sum of them all — adds up.
 */
import type { Address, Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  devSigners,
  GWEI,
  KAIROS_CHAIN_ID,
  type Receipt,
  type RpcAnswer,
  rpcBatch,
  rpcCall,
  type SignedTx,
  type Signer,
  sendRaw,
  signerFromSeed,
  TxSigner,
  USDC,
  waitForReceipts,
} from "../../bench/ingest/workload.js";
import { TestDevnet } from "./helpers/devnet.js";

const SENDERS = 100;
const NONCES = 100;
const FUNDING = 10n * USDC;
const TIP = GWEI;
const MAX_FEE = 100n * GWEI;
/** Senders 0–9 replace their nonce 60 (a 10 % bump, accepted) and try to replace nonce 70 with 5 % (refused). */
const REPLACING = 10;
const REPLACED_NONCE = 60n;
const UNDERPRICED_NONCE = 70n;

interface Sent extends SignedTx {
  readonly to: Address;
  readonly value: bigint;
}

/** FLOOD_TRACE=1 prints how long each stage took (the machine these run on is shared and loaded). */
const t0 = performance.now();
const trace = (stage: string) => {
  if (process.env.FLOOD_TRACE) console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s  ${stage}`);
};

let url: string;
let stop: () => Promise<void> = async () => {};

/**
 * One validator as a `kairos node` process (n = 1), as users run it: this test's own signing and
 * JSON work stay off the validator's event loop. A 30 s view timeout keeps a full block from being
 * nullified on a loaded machine (block building stops offering transactions after a quarter of it).
 */
async function startValidator(): Promise<void> {
  const devnet = await TestDevnet.create({ validators: 1, emptyBlockIntervalMs: 100, viewTimeoutMs: 30_000 });
  devnet.startAll();
  stop = () => devnet.stop();
  await devnet.waitForHeight(1, [0]);
  url = `http://127.0.0.1:${devnet.ports.rpc}`;
}
const signer = new TxSigner(KAIROS_CHAIN_ID);
const devs = devSigners();
const senders = Array.from({ length: SENDERS }, (_, i) => signerFromSeed(1_000 + i));
const recipients: Address[] = Array.from(
  { length: 10 },
  (_, i) => `0x00000000000000000000000000000000000f10${i.toString().padStart(2, "0")}` as Address,
);

function transfer(
  from: Signer,
  nonce: bigint,
  to: Address,
  value: bigint,
  fees = { tip: TIP, maxFee: MAX_FEE },
) {
  const tx = signer.sign(from, {
    nonce,
    to,
    value,
    maxFeePerGas: fees.maxFee,
    maxPriorityFeePerGas: fees.tip,
  });
  return { ...tx, to, value } satisfies Sent;
}

async function balances(addresses: readonly Address[]): Promise<Map<Address, bigint>> {
  const answers = await rpcBatch<Hex>(
    url,
    addresses.map((a) => ({ method: "eth_getBalance", params: [a, "latest"] })),
  );
  return new Map(addresses.map((a, i) => [a, BigInt(answers[i].result ?? "0x-1")]));
}

async function latestBlock(): Promise<{ number: Hex; miner: Address }> {
  return rpcCall(url, "eth_getBlockByNumber", ["latest", false]);
}

function expectAccepted(answers: RpcAnswer<Hex>[], txs: readonly SignedTx[]): void {
  const refused = answers.flatMap((a, i) => (a.error ? [`${txs[i].hash}: ${a.error.message}`] : []));
  expect(refused).toEqual([]);
  expect(answers.map((a) => a.result)).toEqual(txs.map((tx) => tx.hash));
}

beforeAll(async () => {
  await startValidator();
}, 60_000);

afterAll(async () => {
  await stop();
});

describe("a single validator flooded with 10,000 transactions from 100 senders", () => {
  it("includes every valid one exactly once, in nonce order, and nothing else; balances add up", async () => {
    const start = await latestBlock();
    const coinbase = start.miner;
    const everyone = [
      ...new Set([...devs.map((d) => d.address), ...senders.map((s) => s.address), ...recipients, coinbase]),
    ];
    const before = await balances(everyone);
    const landing: Sent[] = [];

    // Fund the senders: dev account d pays senders 10d … 10d + 9.
    const devNonces = await rpcBatch<Hex>(
      url,
      devs.map((d) => ({ method: "eth_getTransactionCount", params: [d.address, "pending"] })),
    );
    const funding = senders.map((s, i) => {
      const d = Math.floor(i / 10);
      return transfer(devs[d], BigInt(devNonces[d].result ?? "0x0") + BigInt(i % 10), s.address, FUNDING);
    });
    expectAccepted(await sendRaw(url, funding), funding);
    trace("funding sent");
    await waitForReceipts(
      url,
      funding.map((tx) => tx.hash),
    );
    landing.push(...funding);
    trace("funding landed");

    // The flood. Every sender's nonces 50–99 go first (all behind a gap), highest first, round-robin.
    trace("signing");
    const valid = senders.map((s, i) =>
      Array.from({ length: NONCES }, (_, n) =>
        transfer(s, BigInt(n), recipients[i % 10], 1_000n + BigInt(i)),
      ),
    );
    const gapped: Sent[] = [];
    for (let n = NONCES - 1; n >= 50; n--) for (const txs of valid) gapped.push(txs[n]);
    expectAccepted(await sendRaw(url, gapped), gapped);
    trace("5,000 gapped sent");

    // Replacements, while those nonces are still queued behind the gap (nothing of theirs can land yet).
    const replacements = senders.slice(0, REPLACING).map((s, i) =>
      transfer(s, REPLACED_NONCE, recipients[i % 10], 1_000n + BigInt(i), {
        tip: (TIP * 110n) / 100n,
        maxFee: (MAX_FEE * 110n) / 100n,
      }),
    );
    expectAccepted(await sendRaw(url, replacements), replacements);
    const underpriced = senders.slice(0, REPLACING).map((s, i) =>
      transfer(s, UNDERPRICED_NONCE, recipients[i % 10], 1_000n + BigInt(i), {
        tip: (TIP * 105n) / 100n,
        maxFee: (MAX_FEE * 105n) / 100n,
      }),
    );
    for (const answer of await sendRaw(url, underpriced)) {
      expect(answer.error?.message).toBe("replacement transaction underpriced");
    }
    const replaced = new Set(
      senders.slice(0, REPLACING).map((_, i) => valid[i][Number(REPLACED_NONCE)].hash),
    );

    // Invalid transactions, each from a sender that could otherwise include it next (nonce 100).
    const poor = signerFromSeed(9_999);
    const invalid = {
      badSignature: senders.slice(10, 20).map((s) =>
        signer.sign(
          s,
          { nonce: 100n, to: recipients[0], value: 1n, maxFeePerGas: MAX_FEE, maxPriorityFeePerGas: TIP },
          {
            corruptSignature: true,
          },
        ),
      ),
      wrongChainId: senders.slice(20, 30).map((s) =>
        signer.sign(s, {
          nonce: 100n,
          to: recipients[0],
          value: 1n,
          maxFeePerGas: MAX_FEE,
          maxPriorityFeePerGas: TIP,
          chainId: 1n,
        }),
      ),
      nonceTooLow: devs.map((d) => transfer(d, 0n, recipients[1], 7n)),
      insufficientFunds: [
        ...senders.slice(30, 40).map((s) => transfer(s, 100n, recipients[2], 1_000n * USDC)),
        transfer(poor, 0n, recipients[2], 1n),
      ],
    };
    const expectedError = {
      badSignature: /invalid (sender|transaction encoding)|signature/i,
      wrongChainId: /invalid chain id/,
      nonceTooLow: /nonce too low/,
      insufficientFunds: /insufficient funds/,
    };

    // The rest of each sender's nonces fill the gaps: ascending for even senders, descending for odd
    // ones, with the invalid transactions spread among them.
    const filling: SignedTx[] = [];
    const invalidTxs = Object.values(invalid).flat();
    for (let k = 0; k < 50; k++) {
      for (const [i, txs] of valid.entries()) filling.push(txs[i % 2 === 0 ? k : 49 - k]);
      if (k % 5 === 0) filling.push(...invalidTxs.slice((k / 5) * 5, (k / 5) * 5 + 5));
    }
    const fillAnswers = await sendRaw(url, filling);
    trace("gaps filled");
    const answerOf = new Map(filling.map((tx, i) => [tx.hash, fillAnswers[i]]));
    for (const [kind, txs] of Object.entries(invalid) as [keyof typeof invalid, SignedTx[]][]) {
      for (const tx of txs) expect(answerOf.get(tx.hash)?.error?.message, kind).toMatch(expectedError[kind]);
    }
    const validFilling = filling.filter((tx) => !invalidTxs.includes(tx as Sent));
    expectAccepted(
      validFilling.map((tx) => answerOf.get(tx.hash) as RpcAnswer<Hex>),
      validFilling,
    );

    const flood = valid.flat().filter((tx) => !replaced.has(tx.hash));
    landing.push(...flood, ...replacements);
    // The pool forgets a transaction once a final block holds it: wait until it is empty.
    for (let pooled = Number.POSITIVE_INFINITY; pooled > 0; ) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const status = await rpcCall<{ pending: Hex; queued: Hex }>(url, "txpool_status");
      pooled = Number(status.pending) + Number(status.queued);
    }
    trace("pool drained");

    // Read every block since the start with its receipts (two calls a block): exactly the landing
    // transactions, once each, in nonce order, all successful, all mined by the one validator.
    const head = BigInt((await latestBlock()).number);
    const byHash = new Map<Hex, Sent>(landing.map((tx) => [tx.hash, tx]));
    const landed = new Map<Hex, Receipt>();
    const seen = new Map<Hex, number>();
    const nextNonce = new Map<Address, bigint>();
    const miners = new Set<Address>();
    for (let from = BigInt(start.number) + 1n; from <= head; from += 25n) {
      const numbers: Hex[] = [];
      for (let n = from; n <= head && n < from + 25n; n++) numbers.push(`0x${n.toString(16)}`);
      const answers = await rpcBatch<{ miner: Address; transactions: Hex[] } | Receipt[]>(
        url,
        numbers.flatMap((n) => [
          { method: "eth_getBlockByNumber", params: [n, false] },
          { method: "eth_getBlockReceipts", params: [n] },
        ]),
      );
      for (let k = 0; k < answers.length; k += 2) {
        const block = answers[k].result as { miner: Address; transactions: Hex[] } | undefined;
        const receipts = answers[k + 1].result as Receipt[] | undefined;
        if (!block || !receipts) throw new Error("a final block or its receipts are missing");
        miners.add(block.miner);
        expect(receipts.map((r) => r.transactionHash)).toEqual(block.transactions);
        for (const receipt of receipts) {
          const hash = receipt.transactionHash;
          seen.set(hash, (seen.get(hash) ?? 0) + 1);
          landed.set(hash, receipt);
          const tx = byHash.get(hash);
          expect(tx, `block holds a transaction nobody expected: ${hash}`).toBeDefined();
          if (!tx) continue;
          expect(receipt.status).toBe("0x1");
          if (senders.some((s) => s.address === tx.from)) {
            expect(tx.nonce).toBe(nextNonce.get(tx.from) ?? 0n);
            nextNonce.set(tx.from, tx.nonce + 1n);
          }
        }
      }
    }
    expect(seen.size).toBe(landing.length);
    expect([...seen.values()].every((count) => count === 1)).toBe(true);
    for (const s of senders) expect(nextNonce.get(s.address)).toBe(BigInt(NONCES));
    for (const hash of replaced) expect(seen.has(hash)).toBe(false);
    expect([...miners]).toEqual([coinbase]);
    trace("blocks read");

    // What a wallet does: ask for each receipt by hash, 500 to a batch. Every one is served, and
    // agrees with its block.
    const polled = await waitForReceipts(
      url,
      landing.map((tx) => tx.hash),
      { timeoutMs: 60_000 },
    );
    for (const [hash, receipt] of polled) {
      const inBlock = landed.get(hash);
      expect([receipt.blockNumber, receipt.transactionIndex]).toEqual([
        inBlock?.blockNumber,
        inBlock?.transactionIndex,
      ]);
    }
    trace("receipts polled");

    // Balances: each account moved by exactly its transfers and fees; the sum of all is unchanged.
    const expected = new Map(before);
    const add = (address: Address, delta: bigint) =>
      expected.set(address, (expected.get(address) ?? 0n) + delta);
    for (const tx of landing) {
      const receipt = landed.get(tx.hash) as Receipt;
      const fee = BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice);
      add(tx.from, -(tx.value + fee));
      add(tx.to, tx.value);
      add(coinbase, fee);
    }
    const after = await balances(everyone);
    for (const address of everyone) expect(after.get(address), address).toBe(expected.get(address));
    const sum = (m: Map<Address, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n);
    expect(sum(after)).toBe(sum(before));
  }, 600_000);
});
