import { describe, expect, it } from "vitest";
import { maxFaults, quorums } from "../../../src/consensus/quorums.js";
import type { ConsensusState } from "../../../src/consensus/state.js";
import { DELTA, digestOf, Fixture, feed, GENESIS, ofType } from "./helpers.js";

describe("quorums", () => {
  it("derives f, M = 2f+1 and L = n−f", () => {
    expect(quorums(6)).toEqual({ n: 6, f: 1, m: 3, l: 5 });
    expect(quorums(11)).toEqual({ n: 11, f: 2, m: 5, l: 9 });
    expect(quorums(50)).toEqual({ n: 50, f: 9, m: 19, l: 41 });
    expect(quorums(11, 1)).toEqual({ n: 11, f: 1, m: 3, l: 10 });
    expect(maxFaults(5)).toBe(0);
  });
  it("refuses an f above floor((n−1)/5)", () => {
    expect(() => quorums(10, 2)).toThrow(/n >= 5f \+ 1/);
  });
});

describe.each([
  { n: 6, f: 1 },
  { n: 11, f: 2 },
])("Minimmit state machine, n=$n f=$f", ({ n, f }) => {
  const fx = new Fixture(n);
  const M = 2 * f + 1;
  const L = n - f;
  const me = n - 1; // never a leader of the first views
  const A = digestOf("A");
  const B = digestOf("B");

  /** A validator in view 1 that has received and verified the leader's proposal for A, and voted. */
  function voted(): ConsensusState {
    const s = fx.state(me);
    s.handle({ type: "start" });
    const p = fx.proposal(1, A);
    const [verify] = ofType(s.handle({ type: "proposal", proposal: p }), "verify");
    const actions = s.handle({ type: "verified", context: verify.context, digest: A, result: { ok: true } });
    expect(ofType(actions, "vote")).toEqual([{ type: "vote", view: 1, digest: A }]);
    s.handle({ type: "vote", vote: fx.vote(1, A, me) });
    return s;
  }

  it("starts in view 1 with a 2Δ timer; the leader builds on genesis (view 0)", () => {
    const leader = fx.state(0);
    const actions = leader.handle({ type: "start" });
    expect(ofType(actions, "enterView")).toEqual([{ type: "enterView", view: 1 }]);
    expect(ofType(actions, "setTimer")).toEqual([{ type: "setTimer", view: 1, delayMs: 2 * DELTA }]);
    expect(ofType(actions, "build")).toEqual([
      { type: "build", context: { view: 1, proposer: 0, parent: GENESIS, parentView: 0 } },
    ]);
    const built = leader.handle({
      type: "built",
      context: { view: 1, proposer: 0, parent: GENESIS, parentView: 0 },
      block: { digest: A, payload: new Uint8Array() },
    });
    expect(ofType(built, "propose")).toHaveLength(1);
    // Its own signed proposal counts as its vote: it votes without asking the application to verify.
    const own = leader.handle({ type: "proposal", proposal: fx.proposal(1, A) });
    expect(ofType(own, "verify")).toEqual([]);
    expect(ofType(own, "vote")).toEqual([{ type: "vote", view: 1, digest: A }]);
  });

  it("votes once for a verified proposal of the leader, never for a rejected one", () => {
    voted();
    const s = fx.state(me);
    s.handle({ type: "start" });
    const [verify] = ofType(s.handle({ type: "proposal", proposal: fx.proposal(1, A) }), "verify");
    const rejected = s.handle({
      type: "verified",
      context: verify.context,
      digest: A,
      result: { ok: false, reason: "bad root" },
    });
    expect(ofType(rejected, "vote")).toEqual([]);
    expect(ofType(rejected, "fault")[0].fault.kind).toBe("invalidProposal");
  });

  it("ignores a proposal from a validator that does not lead the view", () => {
    const s = fx.state(me);
    s.handle({ type: "start" });
    const actions = s.handle({ type: "proposal", proposal: fx.proposal(1, A, GENESIS, 0, 1) });
    expect(ofType(actions, "verify")).toEqual([]);
    expect(ofType(actions, "fault")[0].fault).toMatchObject({ kind: "invalidProposal" });
  });

  it("gives an equivocating leader a vote for neither block and reports it", () => {
    const s = fx.state(me);
    s.handle({ type: "start" });
    const [verify] = ofType(s.handle({ type: "proposal", proposal: fx.proposal(1, A) }), "verify");
    const second = s.handle({ type: "proposal", proposal: fx.proposal(1, B) });
    expect(ofType(second, "fault")[0].fault).toMatchObject({ kind: "equivocation", view: 1, leader: 0 });
    const late = s.handle({ type: "verified", context: verify.context, digest: A, result: { ok: true } });
    expect(ofType(late, "vote")).toEqual([]);
    // Its timer then nullifies the view.
    expect(ofType(s.handle({ type: "timeout", view: 1 }), "nullify")).toEqual([{ type: "nullify", view: 1 }]);
  });

  it("waits for the parent's M-notarization and the nullifications in between before verifying", () => {
    const s = fx.state(me);
    s.handle({ type: "start" });
    s.handle({ type: "certificate", certificate: fx.nullification(1, fx.others([], M)) });
    expect(s.currentView()).toBe(2);
    // View 3's leader builds on view 1's block after view 2 was nullified: view 2's nullification is missing.
    s.handle({ type: "certificate", certificate: fx.notarization("mNotarization", 2, A, fx.others([], M)) });
    expect(s.currentView()).toBe(3);
    const stale = s.handle({ type: "proposal", proposal: fx.proposal(3, B, GENESIS, 0) });
    expect(ofType(stale, "verify")).toEqual([]); // view 1 was nullified, view 2 notarized: not a valid parent chain
    const s2 = fx.state(me);
    s2.handle({ type: "start" });
    const early = s2.handle({ type: "proposal", proposal: fx.proposal(1, A) });
    expect(ofType(early, "verify")).toHaveLength(1);
    const s3 = fx.state(me);
    s3.handle({ type: "start" });
    s3.handle({ type: "certificate", certificate: fx.notarization("mNotarization", 2, A, fx.others([], M)) });
    expect(s3.currentView()).toBe(3);
    const waiting = s3.handle({ type: "proposal", proposal: fx.proposal(4, B, A, 2) });
    expect(ofType(waiting, "verify")).toEqual([]);
    const enter4 = s3.handle({ type: "certificate", certificate: fx.nullification(3, fx.others([], M)) });
    expect(ofType(enter4, "enterView")).toEqual([{ type: "enterView", view: 4 }]);
    expect(ofType(enter4, "verify")).toHaveLength(1);
  });

  it(`M-notarization at exactly ${M} votes (not ${M - 1}); votes for it first, then advances`, () => {
    const s = fx.state(me);
    s.handle({ type: "start" });
    const voters = fx.others([me], M);
    const before = feed(
      s,
      voters.slice(0, M - 1).map((i) => ({ type: "vote" as const, vote: fx.vote(1, A, i) })),
    );
    expect(ofType(before, "certificate")).toEqual([]);
    expect(s.currentView()).toBe(1);
    const at = s.handle({ type: "vote", vote: fx.vote(1, A, voters[M - 1]) });
    const [formed] = ofType(at, "certificate");
    expect(formed.certificate).toMatchObject({ type: "mNotarization", view: 1, digest: A });
    const order = at.map((a) => a.type);
    expect(order.indexOf("vote")).toBeGreaterThanOrEqual(0);
    expect(order.indexOf("vote")).toBeLessThan(order.indexOf("enterView"));
    expect(ofType(at, "broadcast").map((b) => b.message.type)).toContain("mNotarization");
    expect(s.currentView()).toBe(2);
  });

  it(`nullification at exactly ${M} nullifies (not ${M - 1})`, () => {
    const s = fx.state(me);
    s.handle({ type: "start" });
    const signers = fx.others([me], M);
    feed(
      s,
      signers.slice(0, M - 1).map((i) => ({ type: "nullify" as const, nullify: fx.nullify(1, i) })),
    );
    expect(s.currentView()).toBe(1);
    const at = s.handle({ type: "nullify", nullify: fx.nullify(1, signers[M - 1]) });
    expect(ofType(at, "certificate")[0].certificate.type).toBe("nullification");
    expect(ofType(at, "vote")).toEqual([]);
    expect(s.currentView()).toBe(2);
  });

  it("the timer nullifies only a view it has not voted in; after voting it re-sends instead", () => {
    const idle = fx.state(me);
    idle.handle({ type: "start" });
    expect(ofType(idle.handle({ type: "timeout", view: 1 }), "nullify")).toEqual([
      { type: "nullify", view: 1 },
    ]);
    const s = voted();
    const fired = s.handle({ type: "timeout", view: 1 });
    expect(ofType(fired, "nullify")).toEqual([]);
    expect(ofType(fired, "broadcast").map((b) => b.message.type)).toEqual(["vote"]);
    expect(ofType(s.handle({ type: "timeout", view: 7 }), "nullify")).toEqual([]); // stale timer
  });

  it(`proof of no progress: nullifies at exactly ${M} conflicting signers, not ${M - 1}`, () => {
    const s = voted();
    const others = fx.others([me, 0], n);
    // Mix: half nullify, the rest vote for B; one signer does both and counts once.
    const conflicting = others.slice(0, M);
    const events = conflicting
      .slice(0, M - 1)
      .map((i, k) =>
        k % 2 === 0
          ? { type: "nullify" as const, nullify: fx.nullify(1, i) }
          : { type: "vote" as const, vote: fx.vote(1, B, i) },
      );
    events.push({ type: "nullify", nullify: fx.nullify(1, conflicting[1]) }); // a B voter also nullifies
    expect(ofType(feed(s, events), "nullify")).toEqual([]);
    // Votes for my own block never count.
    expect(ofType(s.handle({ type: "vote", vote: fx.vote(1, A, 0) }), "nullify")).toEqual([]);
    const at = s.handle({ type: "vote", vote: fx.vote(1, B, conflicting[M - 1]) });
    expect(ofType(at, "nullify")).toEqual([{ type: "nullify", view: 1 }]);
  });

  it(`finalizes at exactly ${L} votes (not ${L - 1}), once, with the L-notarization as proof`, () => {
    const s = voted();
    const voters = fx.others([me], L - 1);
    const before = feed(
      s,
      voters.slice(0, L - 2).map((i) => ({ type: "vote" as const, vote: fx.vote(1, A, i) })),
    );
    expect(ofType(before, "finalize")).toEqual([]);
    const at = s.handle({ type: "vote", vote: fx.vote(1, A, voters[L - 2]) });
    const [final] = ofType(at, "finalize");
    expect(final).toMatchObject({ height: 1, block: { digest: A }, context: { view: 1, parent: GENESIS } });
    expect(final.proof).toMatchObject({ type: "lNotarization", view: 1, digest: A });
    expect(s.finalizedHead()).toEqual({ view: 1, digest: A, height: 1 });
    const again = feed(s, [
      { type: "vote", vote: fx.vote(1, A, fx.others([me, ...voters], 1)[0]) },
      { type: "certificate", certificate: fx.notarization("lNotarization", 1, A, voters.concat(me)) },
    ]);
    expect(ofType(again, "finalize")).toEqual([]);
  });

  it("finalizes the ancestors of an L-notarized block in order, fetching a missing one first", () => {
    const s = fx.state(me);
    s.handle({ type: "start" });
    const C = digestOf("C");
    // Chain: genesis <- A (view 1) <- [view 2 nullified] <- B (view 3) <- C (view 4).
    s.handle({ type: "proposal", proposal: fx.proposal(1, A) });
    const cert = fx.notarization("lNotarization", 4, C, fx.others([], L));
    const jumped = s.handle({ type: "certificate", certificate: cert });
    expect(s.currentView()).toBe(5);
    expect(ofType(jumped, "fetchBlock")).toEqual([{ type: "fetchBlock", digest: C }]);
    const missingB = s.handle({ type: "proposal", proposal: fx.proposal(4, C, B, 3) });
    expect(ofType(missingB, "fetchBlock")).toEqual([{ type: "fetchBlock", digest: B }]);
    expect(ofType(missingB, "finalize")).toEqual([]);
    const done = s.handle({ type: "proposal", proposal: fx.proposal(3, B, A, 1) });
    expect(ofType(done, "finalize").map((a) => [a.height, a.block.digest, a.proof.digest])).toEqual([
      [1, A, C],
      [2, B, C],
      [3, C, C],
    ]);
  });

  it("jumps to the view after a later certificate and prunes views below the finalized one", () => {
    const s = fx.state(me);
    s.handle({ type: "start" });
    const jump = s.handle({ type: "certificate", certificate: fx.nullification(7, fx.others([], M)) });
    expect(ofType(jump, "enterView")).toEqual([{ type: "enterView", view: 8 }]);
    expect(ofType(jump, "broadcast").map((b) => b.message.type)).toEqual(["nullification"]);
    for (let v = 8; v < 30; v++) s.handle({ type: "nullify", nullify: fx.nullify(v, 0) });
    s.handle({ type: "proposal", proposal: fx.proposal(30, A) });
    s.handle({ type: "certificate", certificate: fx.notarization("lNotarization", 30, A, fx.others([], L)) });
    expect(ofType(s.handle({ type: "proposal", proposal: fx.proposal(30, A) }), "finalize")).toEqual([]);
    expect(s.finalizedHead().view).toBe(30);
    expect(s.heldViews()).toBeLessThanOrEqual(2);
    // Messages below the finalized view are ignored.
    expect(s.handle({ type: "vote", vote: fx.vote(3, B, 1) })).toEqual([]);
  });

  it("after a restart, never votes differently in a view it voted in, nor after a nullify", () => {
    const voteRecord = fx.vote(1, A, me);
    const restarted = fx.state(me, { restored: { signed: [voteRecord], certificates: [] } });
    const start = restarted.handle({ type: "start" });
    expect(ofType(start, "broadcast").map((b) => b.message)).toEqual([voteRecord]);
    const actions = feed(restarted, [
      { type: "proposal", proposal: fx.proposal(1, B) },
      { type: "certificate", certificate: fx.notarization("mNotarization", 1, B, fx.others([me], M)) },
    ]);
    expect(ofType(actions, "vote")).toEqual([]);
    expect(ofType(actions, "verify")).toEqual([]);

    const nullified = fx.state(me, { restored: { signed: [fx.nullify(1, me)], certificates: [] } });
    nullified.handle({ type: "start" });
    const after = feed(nullified, [
      { type: "proposal", proposal: fx.proposal(1, A) },
      { type: "certificate", certificate: fx.notarization("mNotarization", 1, A, fx.others([me], M)) },
    ]);
    expect(ofType(after, "vote")).toEqual([]);
    expect(nullified.currentView()).toBe(2);
  });
});
