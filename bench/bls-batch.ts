/**
 * `npx tsx bench/bls-batch.ts [--rounds 200]`: does a BLS worker pool pay for the vote batches of a
 * six-validator devnet? For batches of 1 … 5 votes on one block (what a validator receives per view at
 * n = 6) and larger ones for comparison: one-by-one verification (the node before batching), one
 * blinded aggregate on the calling thread (the node now), and the same on a worker pool. For each, the
 * median wall time per batch and the calling thread's busy time per batch (the part that blocks the
 * event loop: all of it on the calling thread; encoding and posting the job on the pool).
 */
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { blsSecretKeyFromSeed, blsSign, blsVerify, signingMessage } from "../src/crypto/bls.js";
import { PoolBlsVerifier, SingleThreadBlsVerifier } from "../src/crypto/blsVerifier.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "200" } } });
const ROUNDS = Number(values.rounds);
const SIZES = [1, 2, 3, 4, 5, 16, 64];

const keys = Array.from({ length: 64 }, (_, i) => blsSecretKeyFromSeed(new Uint8Array(32).fill(i + 1)));
const vote = signingMessage("kairos/vote", 1262569810n, new Uint8Array(40).fill(7));
const votes = keys.map((key) => ({ publicKey: key.toPublicKey(), signature: blsSign(key, vote) }));

interface Timing {
  wall: number;
  busy: number;
}

async function measure(run: () => Promise<unknown> | unknown): Promise<Timing> {
  const walls: number[] = [];
  const busies: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    const pending = run();
    busies.push(performance.now() - start);
    await pending;
    walls.push(performance.now() - start);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { wall: median(walls), busy: median(busies) };
}

const single = new SingleThreadBlsVerifier();
const pool = new PoolBlsVerifier({ minSetsForWorkers: 1 });
await pool.ready();
await pool.verifySameMessage(vote, votes.slice(0, 8)); // warm the threads

console.log(
  `BLS vote batches, median of ${ROUNDS} rounds, pool of ${availableParallelism()} threads, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  "| votes | one by one (wall = busy) | aggregate, calling thread | pool: wall | pool: calling thread busy |",
);
console.log("|---:|---:|---:|---:|---:|");
for (const size of SIZES) {
  const batch = votes.slice(0, size);
  const oneByOne = await measure(() =>
    batch.every((entry) => blsVerify(entry.publicKey, vote, entry.signature)),
  );
  const local = await measure(() => single.verifySameMessage(vote, batch));
  const pooled = await measure(() => pool.verifySameMessage(vote, batch));
  console.log(
    `| ${size} | ${oneByOne.wall.toFixed(2)} ms | ${local.wall.toFixed(2)} ms | ${pooled.wall.toFixed(2)} ms | ${pooled.busy.toFixed(2)} ms |`,
  );
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
await pool.close();
