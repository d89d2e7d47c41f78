import { generateKeyPair } from "@libp2p/crypto/keys";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidPeerAddressError } from "../../../src/p2p/errors.js";
import { P2pHost } from "../../../src/p2p/host.js";
import { startHosts, stopAll, waitFor } from "./helpers.js";

let hosts: P2pHost[] = [];

afterEach(async () => {
  await stopAll(hosts);
  hosts = [];
});

/** Open TCP sockets and servers of this process. */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith("TCP")).length;
}

describe("p2p host", () => {
  it("listens on 127.0.0.1, connects configured peers and leaves no socket open after stop", async () => {
    const before = tcpHandles();
    hosts = await startHosts(6);
    for (const host of hosts) {
      expect(host.addresses()[0]).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${host.peerId}$`));
    }
    // Each host keeps a connection to the next one: a ring.
    for (const [i, host] of hosts.entries()) host.keepConnected(hosts[(i + 1) % hosts.length].addresses()[0]);
    await waitFor("ring", () => hosts.every((host) => host.connectedPeers().length >= 2));
    expect(tcpHandles()).toBeGreaterThan(before);
    expect(() => hosts[0].keepConnected("/ip4/127.0.0.1/tcp/1")).toThrow(InvalidPeerAddressError);
    expect(() => hosts[0].keepConnected("not an address")).toThrow(/not a multiaddr/);

    await stopAll(hosts);
    hosts = [];
    await waitFor("sockets closed", () => tcpHandles() <= before);
  });

  it("redials a kept peer that went away when it comes back on its address", async () => {
    hosts = await startHosts(1);
    const [keeper] = hosts;
    const key = await generateKeyPair("Ed25519");
    const first = await P2pHost.create({ privateKey: key });
    await first.start();
    const address = first.addresses()[0];
    const port = address.split("/")[4];
    keeper.keepConnected(address);
    await waitFor("first connection", () => keeper.isConnected(first.peerId));

    await first.stop();
    await waitFor("disconnect seen", () => !keeper.isConnected(first.peerId));
    const again = await P2pHost.create({ privateKey: key, listen: [`/ip4/127.0.0.1/tcp/${port}`] });
    await again.start();
    hosts.push(again);
    await waitFor("reconnection", () => keeper.isConnected(again.peerId));
    expect(again.peerId).toBe(first.peerId);
  });

  it("disconnects a peer whose score falls to the threshold and refuses it until the ban ends", async () => {
    const banned: string[] = [];
    hosts = await startHosts(2, { score: { banMs: 1_500 }, onPeerBanned: (peer) => banned.push(peer) });
    const [judge, culprit] = hosts;
    culprit.keepConnected(judge.addresses()[0]);
    await waitFor("connection", () => judge.isConnected(culprit.peerId));

    judge.penalize(culprit.peerId, "oversized");
    expect(judge.isConnected(culprit.peerId)).toBe(true);
    judge.penalize(culprit.peerId, "oversized");
    expect(judge.isBanned(culprit.peerId)).toBe(true);
    expect(banned).toEqual([culprit.peerId]);
    await waitFor("hang up", () => !judge.isConnected(culprit.peerId));
    // The culprit keeps redialling; it is let back in only once the ban has expired.
    await waitFor("ban expiry", () => !judge.isBanned(culprit.peerId));
    await waitFor("reconnection after the ban", () => judge.isConnected(culprit.peerId));
  });
});
