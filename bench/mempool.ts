/**
 * Transaction pool throughput and memory.
 *
 *   tsx bench/mempool.ts
 *
 * Throughput: insert, best (block-building order) and remove (finalization) over 10k–50k EIP-1559
 * transfers from 100–1,000 senders. Transactions are signed beforehand (native secp256k1) and their
 * hashes computed, and senders are known, so the figures measure the pool alone.
 * Memory: heap bytes per pooled transaction for a pool of 50,000 pending transactions, after gc.
 */
import { createRequire } from "node:module";
import os from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createFeeMarket1559Tx, type FeeMarket1559Tx } from "@ethereumjs/tx";
import { type Address, numberToHex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { TxPool } from "../src/mempool/txPool.js";
import type { AccountState } from "../src/mempool/types.js";

interface NativeSecp256k1 {
  ecdsaSign(message: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
}
type NativeKeccak = (algorithm: "keccak256") => { update(data: Uint8Array): { digest(): Buffer } };
const require = createRequire(import.meta.url);
const secp256k1 = require("secp256k1/bindings") as NativeSecp256k1;
const createKeccak = require("keccak/bindings") as NativeKeccak;
/** Native keccak for signing and hashing the workload, which is set-up, not what is measured. */
const keccak256 = (data: Uint8Array): Uint8Array =>
  new Uint8Array(
    createKeccak("keccak256")
      .update(Buffer.from(data.buffer, data.byteOffset, data.length))
      .digest(),
  );

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const CHAIN_ID = 1262569810n;
const common = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, {
  hardfork: Hardfork.Prague,
  customCrypto: { keccak256 },
});
const GWEI = 1_000_000_000n;
const BALANCE = 10n ** 30n;
const RECIPIENT: Address = "0x00000000000000000000000000000000000000aa";

interface Sender {
  key: Uint8Array;
  address: Address;
}

function senders(count: number, offset: number): Sender[] {
  return Array.from({ length: count }, (_, i) => {
    const key = numberToHex(offset + i + 1, { size: 32 });
    return { key: Uint8Array.from(Buffer.from(key.slice(2), "hex")), address: privateKeyToAddress(key) };
  });
}

/** Deterministic pseudo-random tips, so runs compare. */
function tipFor(senderIndex: number, nonce: number): bigint {
  return BigInt(((senderIndex * 7919 + nonce * 104729) % 1000) + 1) * (GWEI / 100n);
}

function sign(from: Sender, senderIndex: number, nonce: number): FeeMarket1559Tx {
  return signWith(from, nonce, tipFor(senderIndex, nonce));
}

function signWith(from: Sender, nonce: number, tip: bigint): FeeMarket1559Tx {
  const unsigned = createFeeMarket1559Tx(
    {
      chainId: CHAIN_ID,
      nonce: BigInt(nonce),
      to: RECIPIENT,
      value: 1n,
      gasLimit: 21_000n,
      maxPriorityFeePerGas: tip,
      maxFeePerGas: 100n * GWEI + tip,
    },
    { common },
  );
  const { signature, recid } = secp256k1.ecdsaSign(unsigned.getHashedMessageToSign(), from.key);
  const tx = unsigned.addSignature(BigInt(recid), signature.subarray(0, 32), signature.subarray(32, 64));
  tx.hash(); // cached on the frozen transaction, as RPC entry computes it before the pool
  return tx;
}

/** A transaction as RPC or gossip hands it over: decoded, hashed, raw length known, sender recovered. */
interface Pooled {
  tx: FeeMarket1559Tx;
  sender: Address;
  size: number;
}

/** Transactions in gossip order: round-robin over senders, each sender's nonces ascending. */
function workload(from: Sender[], perSender: number): Pooled[] {
  const out: Pooled[] = [];
  for (let nonce = 0; nonce < perSender; nonce++) {
    from.forEach((sender, i) => {
      const tx = sign(sender, i, nonce);
      out.push({ tx, sender: sender.address, size: tx.serialize().length });
    });
  }
  return out;
}

function newPool(maxPerSender: number, maxTransactions = 100_000): TxPool {
  return new TxPool({
    options: { chainId: CHAIN_ID, maxTransactions, maxBytes: 256 * 1024 * 1024, maxPerSender },
    state: { nonce: () => 0n, balance: () => BALANCE },
    recovery: {
      recover: () => {
        throw new Error("senders are pre-recovered in this bench");
      },
    },
  });
}

const fresh: AccountState = { nonce: 0n, balance: BALANCE };

/**
 * Time a step by this process's CPU time (user + system) and by the wall clock. The machine is shared,
 * so the wall clock includes waiting for a core; the pool is single-threaded, so on an idle machine the
 * two agree and CPU time is the figure that reproduces.
 */
function timed(step: () => void): { cpuMs: number; wallMs: number } {
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  step();
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs };
}

function rate(count: number, t: { cpuMs: number; wallMs: number }): string {
  const per = (ms: number) => Math.round((count / Math.max(ms, 0.001)) * 1000).toLocaleString("en-US");
  return `${per(t.cpuMs)}/s (wall ${per(t.wallMs)}/s)`;
}

interface Row {
  txs: number;
  senders: number;
  insert: string;
  best: string;
  firstBlock: string;
  remove: string;
}

function run(batch: Pooled[], senderCount: number): Row {
  const perSender = batch.length / senderCount;
  const pool = newPool(perSender);
  const insert = timed(() => {
    for (const { tx, sender, size } of batch) pool.insert(tx, sender, { account: fresh, size });
  });
  if (pool.status().pending !== batch.length) throw new Error("not all pending");

  let drained = 0;
  const best = timed(() => {
    for (const _ of pool.best(0n)) drained++;
  });
  if (drained !== batch.length) throw new Error(`best drained ${drained}`);

  // A typical block: the first 1,000 in order, from a fresh iterator (its snapshot included).
  // Median of five, so that one garbage-collection pause does not decide it.
  const blocks = Array.from({ length: 5 }, () =>
    timed(() => {
      const iterator = pool.best(0n);
      for (let i = 0; i < 1000; i++) iterator.next();
    }),
  ).sort((a, b) => a.cpuMs - b.cpuMs);
  const firstBlock = blocks[2];

  // Finalization includes every transaction: each sender's nonce moves past its last one.
  const accounts = new Map<Address, AccountState>();
  for (const { sender } of batch) accounts.set(sender, { nonce: BigInt(perSender), balance: BALANCE });
  const remove = timed(() => pool.applyFinalized({ baseFee: 0n, accounts }));
  if (pool.size !== 0) throw new Error("not all removed");

  return {
    txs: batch.length,
    senders: senderCount,
    insert: rate(batch.length, insert),
    best: rate(batch.length, best),
    firstBlock: `${firstBlock.cpuMs.toFixed(1)} ms`,
    remove: rate(batch.length, remove),
  };
}

/**
 * Insertion into a full pool: `fill` fills it to its count limit, then each of `newcomers` (paying more
 * than anything pooled) must evict the cheapest sender tail.
 */
function runFull(fill: Pooled[], senderCount: number, newcomers: Pooled[]): string {
  const pool = newPool(fill.length / senderCount, fill.length);
  for (const { tx, sender, size } of fill) pool.insert(tx, sender, { account: fresh, size });
  let evicted = 0;
  pool.events.on("dropped", () => evicted++);
  const time = timed(() => {
    for (const { tx, sender, size } of newcomers) pool.insert(tx, sender, { account: fresh, size });
  });
  if (evicted !== newcomers.length || pool.size !== fill.length)
    throw new Error("expected one eviction each");
  return rate(newcomers.length, time);
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function measureMemory(senderCount: number, perSender: number) {
  const count = senderCount * perSender;
  const from = senders(senderCount, 10_000);
  const base = heapUsed();
  let batch: Pooled[] | undefined = workload(from, perSender);
  const serialized = batch.reduce((sum, { size }) => sum + size, 0) / count;
  const withTxs = heapUsed();
  const pool = newPool(perSender);
  for (const { tx, sender, size } of batch) pool.insert(tx, sender, { account: fresh, size });
  const withPool = heapUsed();
  batch = undefined;
  const poolOnly = heapUsed();
  if (pool.status().pending !== count) throw new Error("not all pending");
  return {
    count,
    serialized,
    txObject: (withTxs - base) / count,
    poolOverhead: (withPool - withTxs) / count,
    perPooledTx: (poolOnly - base) / count,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
  };
}

function main(): void {
  console.log(
    `machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  );
  console.log(`node ${process.version}, ${os.platform()} ${os.release()}`);

  const signStart = performance.now();
  const few = workload(senders(100, 0), 500); // 50,000 from 100 senders
  const many = workload(senders(1000, 1000), 50); // 50,000 from 1,000 senders
  console.log(`signed 100,000 transactions in ${((performance.now() - signStart) / 1000).toFixed(1)} s\n`);

  // Warm up the JIT on both shapes, so the first measured rows are not the compiler's.
  run(few.slice(0, 10_000), 100);
  run(many.slice(0, 10_000), 1000);

  const rows: Row[] = [
    run(few.slice(0, 10_000), 100),
    run(many.slice(0, 10_000), 1000),
    run(few, 100),
    run(many, 1000),
  ];
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}; rates per CPU-second of this process`,
  );
  console.log("| txs | senders | insert | best (full drain) | first 1,000 of best | remove (finalize) |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.txs.toLocaleString("en-US")} | ${r.senders.toLocaleString("en-US")} | ${r.insert} | ${r.best} | ${r.firstBlock} | ${r.remove} |`,
    );
  }

  // Newcomers: one transaction each from 2,000 new senders, tipping 20 gwei (above every pooled tip).
  const newcomers = senders(2000, 100_000).map((from) => {
    const tx = signWith(from, 0, 20n * GWEI);
    return { tx, sender: from.address, size: tx.serialize().length };
  });
  console.log(
    `\ninsert into a full pool (50,000 from 1,000 senders; each newcomer evicts one): ${runFull(many, 1000, newcomers)}`,
  );

  few.length = 0;
  many.length = 0;
  const memory = measureMemory(1000, 50);
  console.log(
    `\nmemory, pool of ${memory.count.toLocaleString("en-US")} pending transactions (1,000 senders × 50):`,
  );
  console.log(`  serialized size           ${memory.serialized.toFixed(0)} B/tx`);
  console.log(`  @ethereumjs/tx object     ${memory.txObject.toFixed(0)} B/tx (heap, hash cached)`);
  console.log(`  pool bookkeeping          ${memory.poolOverhead.toFixed(0)} B/tx`);
  console.log(`  total per pooled tx       ${memory.perPooledTx.toFixed(0)} B/tx`);
  console.log(
    `  pool total                ${((memory.perPooledTx * memory.count) / 2 ** 20).toFixed(1)} MiB heap`,
  );
  console.log(`  process RSS               ${memory.rssMiB.toFixed(0)} MiB`);
}

main();
