/**
 * Crypto benchmarks: BLS12-381 (sign, verify, aggregate-verify, batch verify on one thread and on a
 * worker pool) and secp256k1 sender recovery — sequential with @noble (the @ethereumjs default),
 * sequential native, and native over a worker pool (the seed table).
 *
 *   tsx bench/crypto.ts            # full run
 *   tsx bench/crypto.ts --quick    # smaller sizes, for a smoke test
 */
import { availableParallelism, cpus, loadavg } from "node:os";
import { createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createFeeMarket1559Tx, createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { hexToBytes } from "viem";
import {
  aggregateSignatures,
  blsSecretKeyFromSeed,
  blsSign,
  blsVerify,
  signingMessage,
  verifyAggregate,
} from "../src/crypto/bls.js";
import { PoolBlsVerifier, type SignatureSet, SingleThreadBlsVerifier } from "../src/crypto/blsVerifier.js";
import { nativeCustomCrypto } from "../src/crypto/customCrypto.js";
import { recoverSender } from "../src/crypto/sender.js";
import { createSenderRecoveryPool, recoverSenders } from "../src/crypto/senderRecovery.js";

const quick = process.argv.includes("--quick");
const CHAIN_ID = 7777n;
const rows: string[][] = [];

interface Timing {
  wallMs: number;
  /** CPU time of every thread of this process: close to the wall time a quiet machine would show. */
  cpuMs: number;
}

function record(group: string, operation: string, count: number, timing: Timing): void {
  const perSecond = Math.round((count / timing.wallMs) * 1000).toLocaleString("en-US");
  const row = [group, operation, String(count), timing.wallMs.toFixed(1), timing.cpuMs.toFixed(1), perSecond];
  rows.push(row);
  console.log(
    `${group.padEnd(7)} ${operation.padEnd(48)} ${row[2].padStart(5)} ${row[3].padStart(9)} ms wall ${row[4].padStart(9)} ms cpu ${perSecond.padStart(8)}/s`,
  );
}

/** Best of `runs` (the machine is shared: the best run is the least disturbed). */
async function time(runs: number, setup: () => unknown, body: (input: never) => unknown): Promise<Timing> {
  let best: Timing = { wallMs: Number.POSITIVE_INFINITY, cpuMs: Number.POSITIVE_INFINITY };
  for (let run = 0; run < runs; run++) {
    const input = await setup();
    const cpu = process.cpuUsage();
    const start = performance.now();
    await body(input as never);
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    if (wallMs < best.wallMs) best = { wallMs, cpuMs: (used.user + used.system) / 1000 };
  }
  return best;
}

async function benchBls(): Promise<void> {
  const count = quick ? 100 : 1_000;
  const keys = Array.from({ length: count }, (_, index) =>
    blsSecretKeyFromSeed(
      new Uint8Array(32).fill(index % 256).map((byte, at) => (at === 0 ? index >> 8 : byte)),
    ),
  );
  const publicKeys = keys.map((key) => key.toPublicKey());
  const messages = keys.map((_, index) =>
    signingMessage("kairos/bench", CHAIN_ID, new Uint8Array([index & 255, index >> 8])),
  );
  let signatures: Uint8Array[] = [];
  record(
    "BLS",
    "sign (distinct messages)",
    count,
    await time(
      3,
      () => 0,
      () => {
        signatures = keys.map((key, index) => blsSign(key, messages[index]));
      },
    ),
  );
  record(
    "BLS",
    "verify one by one",
    count,
    await time(
      3,
      () => 0,
      () => {
        for (let index = 0; index < count; index++) {
          if (!blsVerify(publicKeys[index], messages[index], signatures[index]))
            throw new Error("bad signature");
        }
      },
    ),
  );

  const vote = signingMessage("kairos/vote", CHAIN_ID, new Uint8Array(32).fill(1));
  const votes = keys
    .slice(0, 100)
    .map((key, index) => ({ publicKey: publicKeys[index], signature: blsSign(key, vote) }));
  const single = new SingleThreadBlsVerifier();
  record(
    "BLS",
    "aggregate-verify 100 votes, one message",
    100,
    await time(
      5,
      () => 0,
      () => single.verifySameMessage(vote, votes),
    ),
  );
  const withBad = votes.map((entry, index) =>
    index === 37 ? { ...entry, signature: votes[38].signature } : entry,
  );
  record(
    "BLS",
    "same, 1 bad vote located (bisection)",
    100,
    await time(
      5,
      () => 0,
      () => single.verifySameMessage(vote, withBad),
    ),
  );
  const certificate = aggregateSignatures(votes.map((entry) => entry.signature));
  record(
    "BLS",
    "certificate of 100 signers (fastAggregateVerify)",
    100,
    await time(
      5,
      () => 0,
      () =>
        verifyAggregate(
          vote,
          votes.map((entry) => entry.publicKey),
          certificate,
        ),
    ),
  );

  const pool = new PoolBlsVerifier({ minSetsForWorkers: 1 });
  await pool.ready();
  const sets: SignatureSet[] = keys.map((_, index) => ({
    publicKey: publicKeys[index],
    message: messages[index],
    signature: signatures[index],
  }));
  await pool.verifySets(sets.slice(0, 8)); // warm the threads
  for (const size of quick ? [4, 16, 64] : [2, 4, 8, 16, 32, 64, 128, 512, 1_000]) {
    const batch = sets.slice(0, size);
    record(
      "BLS",
      "batch verify distinct msgs, main thread",
      size,
      await time(
        3,
        () => 0,
        () => single.verifySets(batch),
      ),
    );
    record(
      "BLS",
      `batch verify distinct msgs, pool of ${availableParallelism()}`,
      size,
      await time(
        3,
        () => 0,
        () => pool.verifySets(batch),
      ),
    );
  }
  await pool.close();
}

async function benchSenders(): Promise<void> {
  const sizes = quick ? [100, 500] : [100, 500, 1_000, 5_000];
  const total = sizes[sizes.length - 1];
  const plainCommon = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, {
    hardfork: Hardfork.Prague,
  });
  const nativeCommon = createCustomCommon({ chainId: Number(CHAIN_ID) }, Mainnet, {
    hardfork: Hardfork.Prague,
    customCrypto: nativeCustomCrypto(),
  });
  const senders = Array.from({ length: 100 }, (_, index) =>
    hexToBytes(`0x${(index + 1).toString(16).padStart(64, "0")}`),
  );
  const raws = Array.from({ length: total }, (_, index) =>
    createFeeMarket1559Tx(
      {
        chainId: CHAIN_ID,
        nonce: BigInt(Math.floor(index / 100)),
        to: `0x${"11".repeat(20)}`,
        value: 1n,
        gasLimit: 21_000n,
        maxFeePerGas: 10n ** 9n,
        maxPriorityFeePerGas: 1n,
      },
      { common: nativeCommon },
    )
      .sign(senders[index % 100])
      .serialize(),
  );
  const parse = (count: number, common: typeof plainCommon) => () =>
    raws.slice(0, count).map((raw) => createTxFromRLP(raw, { common }));
  const pool = createSenderRecoveryPool();
  await pool.ready();
  await recoverSenders(parse(50, nativeCommon)(), pool); // warm the threads

  for (const size of sizes) {
    const runs = size >= 5_000 ? 1 : 3;
    record(
      "sender",
      "sequential, @noble (ethereumjs default)",
      size,
      await time(runs, parse(size, plainCommon), (txs: TypedTransaction[]) => {
        for (const tx of txs) tx.getSenderAddress();
      }),
    );
    record(
      "sender",
      "sequential, native secp256k1 + keccak",
      size,
      await time(runs, parse(size, nativeCommon), (txs: TypedTransaction[]) => {
        for (const tx of txs) recoverSender(tx);
      }),
    );
    record(
      "sender",
      `parallel, native on a pool of ${pool.size}`,
      size,
      await time(runs, parse(size, nativeCommon), (txs: TypedTransaction[]) => recoverSenders(txs, pool)),
    );
  }
  await pool.close();
}

console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} threads, load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(" ")}`,
);
await benchBls();
await benchSenders();
console.log(
  "\n| group | operation | n | wall ms | cpu ms | per second (wall) |\n|---|---|---:|---:|---:|---:|",
);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
console.log(
  `load average after: ${loadavg()
    .map((load) => load.toFixed(1))
    .join(" ")}`,
);
