/**
 * `npm run bench [-- name …]`: runs the benchmarks one after another (each in its own process, so one
 * cannot warm or pollute another's heap) and lets each print its own table. With names, only those.
 * Figures and the machine they were taken on are recorded in bench/README.md.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHMARKS: Record<string, { file: string; args?: string[]; what: string }> = {
  execution: {
    file: "execution.ts",
    what: "blocks of 1,000 USDC and ERC-20 transfers: build, verify, commit",
  },
  crypto: { file: "crypto.ts", what: "BLS and secp256k1 sender recovery, sequential vs worker pool" },
  mempool: { file: "mempool.ts", what: "pool insert / best / finalize throughput and bytes per transaction" },
  p2p: {
    file: "p2p.ts",
    args: ["300", "20"],
    what: "consensus message latency over libp2p, streams vs gossipsub",
  },
  channels: { file: "channels.ts", what: "off-chain countersigned channel updates per second" },
  rpc: { file: "rpc.ts", what: "JSON-RPC reads and raw-transaction acceptance, side by side with anvil" },
  ingest: { file: "ingest.ts", what: "send → receipt throughput, one validator vs anvil --block-time 1" },
  devnet: { file: "devnet.ts", what: "6-validator devnet: views/s, send → final latency, saturation tx/s" },
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(", ")}; choose from ${Object.keys(BENCHMARKS).join(", ")}`,
  );
  process.exit(2);
}
let failed = 0;
for (const [name, bench] of Object.entries(BENCHMARKS)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== ${name}: ${bench.what}`);
  const file = fileURLToPath(new URL(bench.file, import.meta.url));
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--expose-gc", file, ...(bench.args ?? [])],
    {
      stdio: "inherit",
    },
  );
  if (result.status !== 0) {
    console.error(`${name} failed (exit ${result.status})`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
