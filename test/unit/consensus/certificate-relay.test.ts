import { afterEach, describe, expect, it, vi } from "vitest";
import type { ValidatorIndex } from "../../../src/consensus/application.js";
import { CertificateRelay } from "../../../src/consensus/certificate-relay.js";
import type { Certificate, ConsensusMessage } from "../../../src/consensus/messages.js";
import { Simulation } from "../../../src/consensus/sim/simulation.js";

const DIGEST = `0x${"ab".repeat(32)}` as const;
const OTHER = `0x${"cd".repeat(32)}` as const;
const signature = new Uint8Array(96);

function notarization(view: number, type: "mNotarization" | "lNotarization" = "mNotarization"): Certificate {
  return { type, view, digest: DIGEST, signers: new Uint8Array(1), signature };
}

function vote(view: number, signer: ValidatorIndex): ConsensusMessage {
  return { type: "vote", view, digest: OTHER, signer, signature };
}

/** Validator `self` of six (f = 1), recording what it sends; the fallback is one view timeout of 2 s. */
function relayFor(self: ValidatorIndex) {
  const sent: { to: ValidatorIndex | "all"; view: number }[] = [];
  const relay = new CertificateRelay({
    self,
    validators: 6,
    f: 1,
    fallbackMs: 2_000,
    sendTo: (to, certificate) => sent.push({ to, view: certificate.view }),
    broadcast: (certificate) => sent.push({ to: "all", view: certificate.view }),
  });
  return { relay, sent };
}

/** A validator that is not among `view`'s immediate forwarders, with its five peers. */
function nonForwarder(view: number) {
  const self = [0, 1, 2, 3, 4, 5].find((i) => !relayFor(i).relay.forwardsAtOnce(view))!;
  return { ...relayFor(self), peers: [0, 1, 2, 3, 4, 5].filter((i) => i !== self) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("certificate relay", () => {
  it("has f + 1 validators of each view forward at once, rotating over the validator set", () => {
    const forwarders = (view: number) =>
      [0, 1, 2, 3, 4, 5].filter((self) => relayFor(self).relay.forwardsAtOnce(view));
    for (let view = 0; view < 12; view++) expect(forwarders(view)).toHaveLength(2);
    // Over six consecutive views every validator forwards.
    const all = new Set(Array.from({ length: 6 }, (_, view) => forwarders(view)).flat());
    expect([...all].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("a forwarder sends to everyone at once", () => {
    const view = 7;
    const self = [0, 1, 2, 3, 4, 5].find((i) => relayFor(i).relay.forwardsAtOnce(view))!;
    const { relay, sent } = relayFor(self);
    relay.relay(notarization(view));
    expect(sent).toEqual([{ to: "all", view }]);
  });

  it("anyone else sends after a view timeout, only to peers that showed nothing past the view", () => {
    vi.useFakeTimers();
    const view = 7;
    const { relay, sent, peers } = nonForwarder(view);
    relay.relay(notarization(view));
    expect(sent).toEqual([]);

    // peers[0] voted in the next view; peers[1] forwarded this view's certificate; peers[2] voted only
    // in this view (it may be stuck in it); peers[3] signed a vote of a later view in someone else's
    // name, which says nothing about peers[3]; peers[4] said nothing.
    relay.heard(peers[0], vote(view + 1, peers[0]));
    relay.heard(peers[1], notarization(view));
    relay.heard(peers[2], vote(view, peers[2]));
    relay.heard(peers[3], vote(view + 5, peers[0]));
    vi.advanceTimersByTime(1_999);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([peers[2], peers[3], peers[4]].map((to) => ({ to, view })));
  });

  it("a certificate sent again (a view timeout, a restart) goes at once to whoever lags", () => {
    vi.useFakeTimers();
    const view = 7;
    const { relay, sent, peers } = nonForwarder(view);
    relay.relay(notarization(view));
    for (const peer of peers.slice(1)) relay.heard(peer, vote(view + 1, peer));
    relay.relay(notarization(view));
    expect(sent).toEqual([{ to: peers[0], view }]);
  });

  it("an M- and an L-notarization of one view are relayed separately; close cancels what is pending", () => {
    vi.useFakeTimers();
    const view = 7;
    const { relay, sent } = nonForwarder(view);
    relay.relay(notarization(view, "mNotarization"));
    relay.relay(notarization(view, "lNotarization"));
    expect(sent).toEqual([]);
    relay.close();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([]);
  });
});

describe("certificate relay in the simulator (lossy links, the node's forwarding rule)", () => {
  it("keeps every honest validator finalizing the same chain, a crashed and restarted one included", async () => {
    const sim = new Simulation({
      seed: 11,
      n: 6,
      relay: true,
      deltaMs: 80,
      links: { latencyMs: 20, jitterMs: 10, loss: 0.15 },
    });
    const DOWN = 4;
    let heightAtCrash = 0;
    let othersAtRestart = 0;
    sim.at(400, () => {
      heightAtCrash = sim.height(DOWN);
      sim.crash(DOWN);
    });
    sim.at(1_400, () => {
      othersAtRestart = Math.max(...[0, 1, 2, 3, 5].map((id) => sim.height(id)));
      sim.restart(DOWN);
    });
    await sim.run(6_000); // throws on any safety invariant violation

    // The others went on without it, and it caught up past what they had finalized meanwhile.
    expect(othersAtRestart).toBeGreaterThan(heightAtCrash);
    expect(sim.height(DOWN)).toBeGreaterThan(othersAtRestart);
    const chains = sim.honestNodes().map((node) => node.app.chain);
    const shortest = Math.min(...chains.map((chain) => chain.length));
    for (const chain of chains) expect(chain.slice(0, shortest)).toEqual(chains[0].slice(0, shortest));
  });
});
