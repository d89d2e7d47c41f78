import { afterEach, describe, expect, it } from "vitest";
import type { P2pHost } from "../../../src/p2p/host.js";
import { TxGossip } from "../../../src/p2p/tx-gossip.js";
import type { Verdict } from "../../../src/p2p/verdict.js";
import { bytes, meshAll, startHosts, stopAll, text, waitFor } from "./helpers.js";

let hosts: P2pHost[] = [];
let gossips: TxGossip[] = [];

afterEach(async () => {
  await Promise.all(gossips.map((gossip) => gossip.stop()));
  await stopAll(hosts);
  hosts = [];
  gossips = [];
});

/** A stand-in for the mempool's admission check: "tx:" payloads are valid, anything else is forged. */
const verdictOf = (tx: Uint8Array): Verdict => (text(tx).startsWith("tx:") ? "accept" : "reject");

describe("transaction gossip", () => {
  it("relays valid transactions across hops and stops invalid ones at the first honest peer", async () => {
    // A line: origin — relay — edge. The edge hears from the origin only through the relay.
    hosts = await startHosts(3);
    const [origin, relay, edge] = hosts;
    origin.keepConnected(relay.addresses()[0]);
    edge.keepConnected(relay.addresses()[0]);
    const seen = hosts.map(() => [] as string[]);
    const validated = hosts.map(() => [] as string[]);
    for (const [i, host] of hosts.entries()) {
      const gossip = new TxGossip(host, {
        validate: (tx) => {
          validated[i].push(text(tx));
          return verdictOf(tx);
        },
        onTransaction: (tx) => seen[i].push(text(tx)),
      });
      await gossip.start();
      gossips.push(gossip);
    }
    await waitFor(
      "subscriptions",
      () => gossips[0].subscribers().length === 1 && gossips[2].subscribers().length === 1,
    );
    expect(edge.connectedPeers()).not.toContain(origin.peerId);

    await gossips[0].publish(bytes("forged"));
    // The relay's mesh to the edge forms on a gossipsub heartbeat; keep publishing fresh valid txs until
    // one crosses both hops.
    let n = 0;
    await waitFor("a valid tx at the edge", () => {
      void gossips[0].publish(bytes(`tx:${n++}`));
      return seen[2].length > 0;
    });
    await waitFor("relay saw the forged tx", () => validated[1].includes("forged"));
    expect(seen[1]).not.toContain("forged");
    expect(validated[2]).not.toContain("forged");
    expect(seen[2].every((tx) => tx.startsWith("tx:"))).toBe(true);
    expect(relay.score(origin.peerId)).toBeLessThan(0);

    // Once the mesh is up, a later forged tx is still not relayed while valid ones are.
    await gossips[0].publish(bytes("forged-again"));
    await gossips[0].publish(bytes("tx:last"));
    await waitFor("the last valid tx at the edge", () => seen[2].includes("tx:last"));
    expect(validated[1]).toContain("forged-again");
    expect(validated[2].filter((tx) => !tx.startsWith("tx:"))).toEqual([]);
    // Each transaction is delivered once per node.
    expect(new Set(seen[2]).size).toBe(seen[2].length);
  });

  it("pushes a validator's own transactions straight to the other validators, once each", async () => {
    hosts = await startHosts(3);
    meshAll(hosts);
    await waitFor("full mesh", () => hosts.every((host) => host.connectedPeers().length === 2));
    const validators = hosts.map((host) => host.peerId);
    const pools = hosts.map(() => new Set<string>());
    const seen = hosts.map(() => [] as string[]);
    for (const [i, host] of hosts.entries()) {
      const gossip = new TxGossip(host, {
        // The pool: a known transaction is ignored, as the node's mempool does.
        validate: (tx) => {
          if (pools[i].has(text(tx))) return "ignore";
          pools[i].add(text(tx));
          return verdictOf(tx);
        },
        onTransaction: (tx) => seen[i].push(text(tx)),
        // The sender's gossipsub topic has no subscribers: only the direct push can deliver.
        topic: i === 0 ? "/kairos/tx/unheard" : undefined,
        directPeers: validators,
      });
      await gossip.start();
      gossips.push(gossip);
    }
    pools[0].add("tx:direct");
    await gossips[0].publish(bytes("tx:direct")).catch(() => 0);
    await waitFor("both validators hold it", () => seen[1].length === 1 && seen[2].length === 1);
    expect(seen).toEqual([[], ["tx:direct"], ["tx:direct"]]);

    // A forged transaction pushed directly scores its sender down like one gossiped.
    await gossips[0].publish(bytes("forged")).catch(() => 0);
    await waitFor("forged rejected", () => hosts[1].score(validators[0]) < 0);
    expect(seen[1]).toEqual(["tx:direct"]);
  });
});
