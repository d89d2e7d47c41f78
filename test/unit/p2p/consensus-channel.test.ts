import { generateKeyPair } from "@libp2p/crypto/keys";
import type { PrivateKey } from "@libp2p/interface";
import { afterEach, describe, expect, it } from "vitest";
import { ConsensusChannel, type Verdict } from "../../../src/p2p/consensus-channel.js";
import { MalformedMessageError } from "../../../src/p2p/errors.js";
import { P2pHost } from "../../../src/p2p/host.js";
import { bytes, meshAll, startHosts, stopAll, text, waitFor } from "./helpers.js";

/** A toy wire format standing in for consensus/wire.ts: "vote:<text>" frames; "forged:" fails verification. */
function decode(data: Uint8Array): string {
  const message = text(data);
  if (!message.startsWith("vote:") && !message.startsWith("forged:"))
    throw new MalformedMessageError("no tag");
  return message;
}
const verify = (message: string): Verdict => (message.startsWith("forged:") ? "reject" : "accept");

interface Node {
  host: P2pHost;
  channel: ConsensusChannel<string>;
  inbox: { message: string; from: string }[];
}

let hosts: P2pHost[] = [];
let channels: ConsensusChannel<string>[] = [];

afterEach(async () => {
  await Promise.all(channels.map((channel) => channel.stop()));
  await stopAll(hosts);
  hosts = [];
  channels = [];
});

/** Identity keys by peer ID, so a test can restart a host as the same peer. */
const restartKeys = new Map<string, PrivateKey>();

async function network(count: number, validatorCount = count): Promise<Node[]> {
  const keys = await Promise.all(Array.from({ length: count }, () => generateKeyPair("Ed25519")));
  hosts = await startHosts(count, {}, keys);
  for (const [i, host] of hosts.entries()) restartKeys.set(host.peerId, keys[i]);
  meshAll(hosts);
  const validators = hosts.slice(0, validatorCount).map((host) => host.peerId);
  const nodes: Node[] = [];
  for (const host of hosts) {
    const inbox: Node["inbox"] = [];
    const channel = new ConsensusChannel<string>(host, {
      validators,
      decode,
      verify,
      onMessage: (message, from) => inbox.push({ message, from }),
      maxMessageBytes: 1024,
    });
    await channel.start();
    channels.push(channel);
    nodes.push({ host, channel, inbox });
  }
  await waitFor("full mesh", () => hosts.every((host) => host.connectedPeers().length === count - 1));
  return nodes;
}

describe("consensus channel", () => {
  it("delivers a broadcast to every other validator exactly once, attributed to its sender", async () => {
    const nodes = await network(6);
    const reached = await nodes[0].channel.broadcast(bytes("vote:view-1"));
    expect(reached).toBe(5);
    await waitFor("all deliveries", () => nodes.slice(1).every((node) => node.inbox.length === 1));
    for (const node of nodes.slice(1)) {
      expect(node.inbox).toEqual([{ message: "vote:view-1", from: nodes[0].host.peerId }]);
    }
    expect(nodes[0].inbox).toEqual([]);

    // The same bytes forwarded by another validator are a duplicate, not a second message.
    await nodes[1].channel.send(nodes[2].host.peerId, bytes("vote:view-1"));
    await nodes[1].channel.send(nodes[2].host.peerId, bytes("vote:view-2"));
    await waitFor("second message", () => nodes[2].inbox.length === 2);
    expect(nodes[2].inbox.map((entry) => entry.message)).toEqual(["vote:view-1", "vote:view-2"]);
    expect(nodes[2].channel.stats.duplicates).toBe(1);
  });

  it("keeps one stream flowing past many receive windows (window updates are batched, not lost)", async () => {
    const [sender, receiver] = await network(2);
    // ~1 MiB in 1,000-byte frames: four times yamux's 256 KiB receive window.
    const count = 1_050;
    const pad = "x".repeat(980);
    for (let i = 0; i < count; i++)
      await sender.channel.send(receiver.host.peerId, bytes(`vote:${i}:${pad}`));
    await waitFor("every frame", () => receiver.inbox.length === count);
    expect(receiver.inbox.map((entry) => Number(entry.message.split(":")[1]))).toEqual(
      Array.from({ length: count }, (_, i) => i),
    );
  });

  it("reaches a validator again after it restarts with the same identity and address", async () => {
    const nodes = await network(3);
    const [sender, , restarting] = nodes;
    const key = restartKeys.get(restarting.host.peerId)!;
    const address = restarting.host.addresses()[0];
    await restarting.channel.stop();
    await restarting.host.stop();
    await sender.channel.broadcast(bytes("vote:while-down"));

    const host = await P2pHost.create({ privateKey: key, listen: [address.split("/p2p/")[0]] });
    await host.start();
    hosts.push(host);
    const inbox: string[] = [];
    const channel = new ConsensusChannel<string>(host, {
      validators: nodes.map((node) => node.host.peerId),
      decode,
      verify,
      onMessage: (message) => inbox.push(message),
    });
    await channel.start();
    channels.push(channel);
    await waitFor("reconnection", () => sender.host.isConnected(host.peerId));
    // The sender's old stream died with the old connection; the next broadcast opens a fresh one.
    await waitFor("delivery after restart", () => {
      void sender.channel.broadcast(bytes(`vote:after-restart-${inbox.length}`));
      return inbox.length > 0;
    });
    expect(inbox[0]).toMatch(/^vote:after-restart/);
    expect(nodes[1].inbox.map((entry) => entry.message)).toContain("vote:while-down");
  });

  it("drops consensus messages from a peer outside the validator set and scores it down", async () => {
    const nodes = await network(4, 3);
    const outsider = nodes[3];
    // The outsider believes it may speak; the validators do not agree.
    outsider.channel.setValidators(nodes.map((node) => node.host.peerId));
    await outsider.channel.broadcast(bytes("vote:from-outsider"));
    await waitFor("outsider refused", () =>
      nodes.slice(0, 3).every((node) => node.channel.stats.unauthorized > 0),
    );
    await nodes[0].channel.broadcast(bytes("vote:from-validator"));
    await waitFor("validator message", () => nodes[1].inbox.length === 1 && nodes[2].inbox.length === 1);
    for (const node of nodes.slice(0, 3)) {
      expect(node.inbox.map((entry) => entry.message)).not.toContain("vote:from-outsider");
      expect(node.host.score(outsider.host.peerId)).toBeLessThan(0);
    }
  });

  it("scores down a validator that sends undecodable, forged or oversized messages until it is cut off", async () => {
    const nodes = await network(4);
    const [honest, victim, other, bad] = nodes;
    await bad.channel.send(victim.host.peerId, bytes("garbage"));
    await bad.channel.send(victim.host.peerId, bytes("forged:vote"));
    await waitFor("two penalties", () => victim.channel.stats.rejected === 2);
    expect(victim.inbox).toEqual([]);
    expect(victim.host.score(bad.host.peerId)).toBeLessThan(0);
    expect(victim.host.isBanned(bad.host.peerId)).toBe(false);

    // An oversized frame: the bad validator's own limit is larger than the victim's.
    bad.channel.setValidators(nodes.map((node) => node.host.peerId));
    const big = new ConsensusChannel<string>(bad.host, {
      validators: [victim.host.peerId],
      decode,
      verify,
      onMessage: () => {},
      maxMessageBytes: 1 << 20,
      protocol: "/kairos/consensus/1",
    });
    await bad.channel.stop();
    await big.start();
    channels.push(big);
    await big.send(victim.host.peerId, bytes(`vote:${"x".repeat(4096)}`)).catch(() => {});
    await waitFor("ban", () => victim.host.isBanned(bad.host.peerId));
    await waitFor("disconnect", () => !victim.host.connectedPeers().includes(bad.host.peerId));

    // The banned peer cannot come back while the ban lasts (it keeps redialling); the others keep working.
    await bad.host.libp2p.dial(victim.host.libp2p.getMultiaddrs()[0]).catch(() => {});
    await waitFor("refused", () => !victim.host.connectedPeers().includes(bad.host.peerId));
    await honest.channel.broadcast(bytes("vote:still-alive"));
    await waitFor("honest traffic", () => victim.inbox.length === 1 && other.inbox.length === 1);
    expect(victim.inbox[0]).toEqual({ message: "vote:still-alive", from: honest.host.peerId });
    expect(victim.host.connectedPeers()).not.toContain(bad.host.peerId);
  });
});
