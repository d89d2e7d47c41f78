/**
 * Block builds alone, for profiling: R blocks (default 6) of 1,000 ERC-20 transfers (KIND=transfer:
 * plain transfers) built and committed on a memory store, CPU per build printed; PROF=<file> writes a
 * CPU profile of the builds only (signing is done before it starts).
 * Run: `PROF=/tmp/build.cpuprofile npx tsx bench/execution/build-loop.ts`.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { loadavg } from "node:os";
import { BlockBuilder } from "../../src/execution/block-builder.js";
import { Blockchain } from "../../src/execution/blockchain.js";
import { decodeTransaction } from "../../src/execution/tx-validation.js";
import { MemoryStore } from "../../src/storage/index.js";
import {
  benchGenesis,
  benchKeys,
  buildOnHead,
  recipientOf,
  signedTransfer,
  type TransferKind,
} from "./workload.js";

const TXS = 1000;
const ROUNDS = Number(process.env.R ?? 6);
const kind: TransferKind = process.env.KIND === "transfer" ? "transfer" : "erc20";
const keys = benchKeys(TXS);
const genesis = benchGenesis(keys);
const chain = await Blockchain.open(new MemoryStore(), genesis);
const { common } = chain;
const builder = new BlockBuilder(chain.context, genesis.feeParams);
const rounds = Array.from({ length: ROUNDS }, (_, r) =>
  keys.map((key, i) =>
    decodeTransaction(signedTransfer(common, key, kind, recipientOf(r, i), BigInt(r)), common),
  ),
);
const session = new Session();
session.connect();
if (process.env.PROF) {
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 200 });
  await session.post("Profiler.start");
}
const out = [];
for (const decoded of rounds) {
  const cpu = process.cpuUsage();
  const built = await buildOnHead(chain, builder, decoded);
  const used = process.cpuUsage(cpu);
  if (built.block.transactions.length !== TXS) throw new Error(`lost ${built.rejected[0]?.error.message}`);
  out.push(((used.user + used.system) / 1000).toFixed(0));
  await chain.commitFinal(built);
}
if (process.env.PROF) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(process.env.PROF, JSON.stringify(profile));
}
console.log(
  kind,
  "build CPU ms per 1000:",
  out.join(" "),
  "load",
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" "),
);
