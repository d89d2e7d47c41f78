/**
 * Execution benchmark: blocks of 1,000 plain USDC transfers and of 1,000 ERC-20 transfers on a
 * LevelDB-backed chain. For each block: sender recovery (what the mempool does on arrival), build,
 * verify (re-execution by a validator, with its own sender recovery), commit (one LevelDB batch),
 * per-transaction time, and the growth of the database. Run: `npx tsx bench/execution.ts`.
 *
 * Wall times on a shared machine include other processes' load, so CPU time is printed too.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Hex } from "viem";
import { BlockBuilder } from "../src/execution/block-builder.js";
import { BlockExecution } from "../src/execution/block-execution.js";
import { BlockExecutor } from "../src/execution/block-executor.js";
import { Blockchain } from "../src/execution/blockchain.js";
import { orderedTrieRoot } from "../src/execution/ordered-trie.js";
import { consensusReceipt } from "../src/execution/receipts.js";
import { type DecodedTransaction, decodeTransaction } from "../src/execution/tx-validation.js";
import { LevelStore } from "../src/storage/index.js";
import {
  benchGenesis,
  benchKeys,
  buildOnHead,
  FEE_RECIPIENT,
  recipientOf,
  signedTransfer,
  type TransferKind,
} from "./execution/workload.js";

const TXS = Number(process.env.BENCH_TXS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Blocks in the small-block pass (build + verify + commit of empty and 1-transaction blocks); 0 skips it. */
const SMALL_BLOCKS = Number(process.env.BENCH_SMALL_BLOCKS ?? 300);

interface Timing {
  wallMs: number;
  cpuMs: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, Timing]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return [result, { wallMs, cpuMs: (used.user + used.system) / 1000 }];
}

function dirSize(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(join(dir, name)).size;
  return total;
}

async function main() {
  const keys = benchKeys(TXS);
  const genesis = benchGenesis(keys);
  const dir = mkdtempSync(join(tmpdir(), "kairos-bench-"));
  const store = await LevelStore.open(dir);
  const chain = await Blockchain.open(store, genesis);
  const { common } = chain;
  const builder = new BlockBuilder(chain.context, genesis.feeParams);
  const executor = new BlockExecutor(chain.context, genesis.feeParams);

  const rows: string[][] = [];
  const workloads: [TransferKind, number][] = [];
  for (let r = 0; r < ROUNDS; r++) workloads.push(["transfer", r]);
  for (let r = 0; r < ROUNDS; r++) workloads.push(["erc20", ROUNDS + r]);

  for (const [kind, nonce] of workloads) {
    const raw = keys.map((key, i) => signedTransfer(common, key, kind, recipientOf(nonce, i), BigInt(nonce)));
    const sizeBefore = dirSize(dir);

    const [decoded, recover] = await timed(async () => raw.map((bytes) => decodeTransaction(bytes, common)));
    const parent = chain.finalHead.header;
    const view = Number(parent.number) + 1;
    const [built, build] = await timed(() => buildOnHead(chain, builder, decoded));
    if (built.block.transactions.length !== TXS) {
      throw new Error(
        `built ${built.block.transactions.length} of ${TXS}: ${built.rejected[0]?.error.message}`,
      );
    }
    const payload = built.block.serialize();
    const [, verify] = await timed(() =>
      executor.execute(executor.decode(payload), parent, { view, proposer: 0, feeRecipient: FEE_RECIPIENT }),
    );
    const phases = await breakdown(chain, parent, decoded, built.block.header.toJSON());
    const [, commit] = await timed(() => chain.commitFinal(built));
    const growth = dirSize(dir) - sizeBefore;
    const buildCommit = build.wallMs + commit.wallMs;
    rows.push([
      kind === "transfer" ? "USDC transfer" : "ERC-20 transfer",
      String(built.block.header.number),
      fmt(recover),
      fmt(build),
      fmt(verify),
      fmt(commit),
      `${buildCommit.toFixed(0)}`,
      `${((buildCommit * 1000) / TXS).toFixed(0)}`,
      `${(built.block.header.gasUsed / 1_000_000n).toString()}M`,
      `${(growth / 1024).toFixed(0)}`,
      `${phases.execute.toFixed(0)} / ${phases.stateRoot.toFixed(0)} / ${phases.roots.toFixed(0)}`,
    ]);
  }
  // After the big blocks: the last sender has used one nonce per workload.
  const small = await smallBlocks(chain, builder, executor, keys[TXS - 1], BigInt(workloads.length));
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const header = [
    "block",
    "#",
    "recover ms",
    "build ms",
    "verify ms",
    "commit ms",
    "build+commit ms",
    "µs/tx",
    "gas",
    "db growth KiB",
    "exec / stateRoot / tx+rcpt roots ms",
  ];
  console.log(
    `Kairos execution bench: ${TXS} transactions per block, ${cpus().length} × ${cpus()[0]?.model}`,
  );
  console.log("(ms columns: wall time, CPU time in parentheses)\n");
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
  if (small.length > 0) {
    console.log(
      `\nSmall blocks (${SMALL_BLOCKS} of each after ${SMALL_WARMUP} warm-up), CPU µs per block:\n`,
    );
    console.log("| block | build | verify | commit | total |\n|---|---|---|---|---|");
    for (const row of small) console.log(`| ${row.join(" | ")} |`);
  }
  console.log(
    `\nload average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
}

const SMALL_WARMUP = 50;

/**
 * What a validator does for each view of an idle or lightly loaded chain: the leader builds a block
 * with no (or one) transaction, a validator verifies it, and it is committed. CPU per block, averaged.
 */
async function smallBlocks(
  chain: Blockchain,
  builder: BlockBuilder,
  executor: BlockExecutor,
  key: Hex,
  firstNonce: bigint,
): Promise<string[][]> {
  if (SMALL_BLOCKS <= 0) return [];
  const { common } = chain;
  let nonce = firstNonce;
  const rows: string[][] = [];
  for (const withTx of [false, true]) {
    const cpu = { build: 0, verify: 0, commit: 0 };
    for (let i = 0; i < SMALL_WARMUP + SMALL_BLOCKS; i++) {
      const decoded: DecodedTransaction[] = [];
      if (withTx) {
        const raw = signedTransfer(common, key, "transfer", FEE_RECIPIENT.toString() as Hex, nonce++);
        decoded.push(decodeTransaction(raw, common));
      }
      const parent = chain.finalHead.header;
      const view = Number(parent.number) + 1;
      const [built, build] = await timed(() => buildOnHead(chain, builder, decoded));
      if (built.block.transactions.length !== decoded.length)
        throw new Error("small block lost its transaction");
      const payload = built.block.serialize();
      const [, verify] = await timed(() =>
        executor.execute(executor.decode(payload), parent, {
          view,
          proposer: 0,
          feeRecipient: FEE_RECIPIENT,
        }),
      );
      const [, commit] = await timed(() => chain.commitFinal(built));
      if (i >= SMALL_WARMUP) {
        cpu.build += build.cpuMs;
        cpu.verify += verify.cpuMs;
        cpu.commit += commit.cpuMs;
      }
    }
    const per = (ms: number) => ((ms * 1000) / SMALL_BLOCKS).toFixed(0);
    rows.push([
      withTx ? "1 USDC transfer" : "empty",
      per(cpu.build),
      per(cpu.verify),
      per(cpu.commit),
      per(cpu.build + cpu.verify + cpu.commit),
    ]);
  }
  return rows;
}

/**
 * Where a build's time goes: running the transactions, then finish() (state root and receipts root),
 * then the transactions and receipts tries again on their own.
 */
async function breakdown(
  chain: Blockchain,
  parent: Blockchain["finalHead"]["header"],
  decoded: DecodedTransaction[],
  header: ReturnType<Blockchain["finalHead"]["header"]["toJSON"]>,
) {
  const execution = await BlockExecution.begin(chain.context, parent.stateRoot, header);
  let start = performance.now();
  for (const tx of decoded) await execution.apply(tx);
  const execute = performance.now() - start;
  start = performance.now();
  await execution.finish();
  const stateRoot = performance.now() - start;
  start = performance.now();
  await orderedTrieRoot(
    decoded.map((d) => d.tx.serialize()),
    chain.common,
  );
  await orderedTrieRoot(
    execution.executed.map((e) => consensusReceipt(e.receipt)),
    chain.common,
  );
  const roots = performance.now() - start;
  return { execute, stateRoot, roots };
}

const fmt = (t: Timing) => `${t.wallMs.toFixed(0)} (${t.cpuMs.toFixed(0)})`;

await main();
