/**
 * Consensus-message latency over loopback: one validator broadcasts 200-byte messages to 5 others,
 * each a separate process (its own event loop, as in a real localnet).
 *
 *   npx tsx bench/p2p.ts [messages=1000] [intervalMs=5]
 *
 * It measures two transports for the same traffic: the direct length-prefixed streams of the consensus
 * channel (/kairos/consensus/1), and gossipsub (the transaction topic, flood-published). Each message
 * carries its send time (performance.timeOrigin + performance.now(), one clock for all processes on
 * this machine); receivers record arrival minus send time. Reported: p50/p90/p99/max of single
 * deliveries and of "reached all 5" (the slowest receiver per message), the first 10% dropped as warm-up.
 */
import { type ChildProcess, fork } from "node:child_process";
import os from "node:os";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { ConsensusChannel } from "../src/p2p/consensus-channel.js";
import { P2pHost } from "../src/p2p/host.js";
import { TxGossip } from "../src/p2p/tx-gossip.js";

type Mode = "direct" | "gossipsub";
type ToChild = { kind: "peers"; validators: string[]; addresses: string[] } | { kind: "report"; mode: Mode };
type ToParent =
  | { kind: "hello"; peerId: string; address: string }
  | { kind: "latencies"; mode: Mode; samples: [seq: number, ms: number][] };

const MESSAGE_BYTES = 200;
const now = () => performance.timeOrigin + performance.now();

function stamp(seq: number): Uint8Array {
  const message = new Uint8Array(MESSAGE_BYTES);
  crypto.getRandomValues(message);
  const view = new DataView(message.buffer);
  view.setUint32(0, seq);
  view.setFloat64(4, now());
  return message;
}

function readStamp(message: Uint8Array): [seq: number, ms: number] {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  return [view.getUint32(0), now() - view.getFloat64(4)];
}

async function makeHost(): Promise<P2pHost> {
  const host = await P2pHost.create({ privateKey: await generateKeyPair("Ed25519") });
  await host.start();
  return host;
}

/** A receiving validator. */
async function receiver(): Promise<void> {
  const host = await makeHost();
  const samples: Record<Mode, [number, number][]> = { direct: [], gossipsub: [] };
  let channel: ConsensusChannel<Uint8Array> | undefined;
  const gossip = new TxGossip(host, {
    validate: () => "accept",
    onTransaction: (tx) => samples.gossipsub.push(readStamp(tx)),
  });
  await gossip.start();
  const send = (message: ToParent) => process.send?.(message);
  process.on("message", async (message: ToChild) => {
    if (message.kind === "peers") {
      channel = new ConsensusChannel<Uint8Array>(host, {
        validators: message.validators,
        decode: (bytes) => bytes,
        verify: () => "accept",
        onMessage: (bytes) => samples.direct.push(readStamp(bytes)),
      });
      await channel.start();
      for (const address of message.addresses) host.keepConnected(address);
    } else {
      send({ kind: "latencies", mode: message.mode, samples: samples[message.mode] });
      if (message.mode === "gossipsub") {
        await gossip.stop();
        await channel?.stop();
        await host.stop();
        process.disconnect();
      }
    }
  });
  send({ kind: "hello", peerId: host.peerId, address: host.addresses()[0] });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function row(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const cells = [50, 90, 99].map((p) => percentile(sorted, p).toFixed(3));
  return `| ${label} | ${sorted.length} | ${cells.join(" | ")} | ${sorted[sorted.length - 1].toFixed(3)} |`;
}

async function sender(messages: number, intervalMs: number): Promise<void> {
  const children: ChildProcess[] = [];
  const hellos: Promise<{ peerId: string; address: string }>[] = [];
  for (let i = 0; i < 5; i++) {
    const child = fork(new URL(import.meta.url).pathname, ["receiver"], { execArgv: ["--import", "tsx"] });
    children.push(child);
    hellos.push(
      new Promise((resolve) =>
        child.once("message", (message: ToParent) => {
          if (message.kind === "hello") resolve(message);
        }),
      ),
    );
  }
  const peers = await Promise.all(hellos);
  const host = await makeHost();
  const validators = [host.peerId, ...peers.map((peer) => peer.peerId)];
  const channel = new ConsensusChannel<Uint8Array>(host, {
    validators,
    decode: (bytes) => bytes,
    verify: () => "accept",
    onMessage: () => {},
  });
  await channel.start();
  const gossip = new TxGossip(host, { validate: () => "accept", onTransaction: () => {} });
  await gossip.start();
  const addresses = [host.addresses()[0], ...peers.map((peer) => peer.address)];
  for (const child of children) child.send({ kind: "peers", validators, addresses } satisfies ToChild);
  for (const peer of peers) host.keepConnected(peer.address);
  const deadline = Date.now() + 60_000;
  while (host.connectedPeers().length < 5 || gossip.subscribers().length < 5) {
    if (Date.now() > deadline) throw new Error("the 6 hosts did not connect within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // Let gossipsub build its mesh (heartbeat: 1 s) before measuring it.
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  const results: string[] = [];
  for (const mode of ["direct", "gossipsub"] as const) {
    for (let seq = 0; seq < messages; seq++) {
      const message = stamp(seq);
      if (mode === "direct") void channel.broadcast(message);
      else void gossip.publish(message);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const reports = await Promise.all(
      children.map(
        (child) =>
          new Promise<[number, number][]>((resolve) => {
            child.once("message", (message: ToParent) => {
              if (message.kind === "latencies") resolve(message.samples);
            });
            child.send({ kind: "report", mode } satisfies ToChild);
          }),
      ),
    );
    const warmUp = Math.floor(messages / 10);
    const single: number[] = [];
    const slowest = new Map<number, number>();
    const reached = new Map<number, number>();
    for (const samples of reports) {
      for (const [seq, ms] of samples) {
        if (seq < warmUp) continue;
        single.push(ms);
        slowest.set(seq, Math.max(slowest.get(seq) ?? 0, ms));
        reached.set(seq, (reached.get(seq) ?? 0) + 1);
      }
    }
    const all = [...slowest].filter(([seq]) => reached.get(seq) === 5).map(([, ms]) => ms);
    results.push(row(`${mode}, one delivery`, single), row(`${mode}, all 5 reached`, all));
    const lost = (messages - warmUp) * 5 - single.length;
    if (lost > 0) results.push(`| ${mode}: ${lost} deliveries missing | | | | | |`);
  }
  await gossip.stop();
  await channel.stop();
  await host.stop();
  console.log(
    `${messages} messages of ${MESSAGE_BYTES} bytes, one every ${intervalMs} ms, 1 sender → 5 receivers`,
  );
  console.log(
    `node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}`,
  );
  console.log("| transport | samples | p50 ms | p90 ms | p99 ms | max ms |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const line of results) console.log(line);
}

if (process.argv[2] === "receiver") await receiver();
else await sender(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 5));
