import { afterEach, describe, expect, it } from "vitest";
import type { P2pHost } from "../../../src/p2p/host.js";
import { TxGossip } from "../../../src/p2p/tx-gossip.js";
import type { Verdict } from "../../../src/p2p/verdict.js";
import { bytes, startHosts, stopAll, text, waitFor } from "./helpers.js";

let hosts: P2pHost[] = [];
let gossips: TxGossip[] = [];

afterEach(async () => {
  for (const gossip of gossips) gossip.stop();
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
    hosts.forEach((host, i) => {
      const gossip = new TxGossip(host, {
        validate: (tx) => {
          validated[i].push(text(tx));
          return verdictOf(tx);
        },
        onTransaction: (tx) => seen[i].push(text(tx)),
      });
      gossip.start();
      gossips.push(gossip);
    });
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
});
