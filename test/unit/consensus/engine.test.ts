import { describe, expect, it } from "vitest";
import type { BlockContext } from "../../../src/consensus/application.js";
import { verifyCertificate } from "../../../src/consensus/certificates.js";
import {
  type ConsensusActivity,
  ConsensusEngine,
  type FetchRequest,
  type Network,
  type SignatureCheck,
  type SignedStore,
} from "../../../src/consensus/engine.js";
import { MemorySignedStore } from "../../../src/consensus/memory-store.js";
import type { ConsensusMessage, SignedMessage } from "../../../src/consensus/messages.js";
import { SIM_GENESIS, SimulatedApplication, simulatedBlock } from "../../../src/consensus/sim/application.js";
import { Scheduler } from "../../../src/consensus/sim/scheduler.js";
import { Simulation } from "../../../src/consensus/sim/simulation.js";
import { digestOf, Fixture, NAMESPACE } from "./helpers.js";

const fx = new Fixture(6);
const ME = 5;

class RecordingNetwork implements Network {
  readonly sent: ConsensusMessage[] = [];
  readonly fetches: FetchRequest[] = [];
  constructor(private readonly log: string[]) {}
  broadcast(message: ConsensusMessage): void {
    this.sent.push(message);
    this.log.push(`send ${message.type} ${message.view}`);
  }
  send(_to: number, message: ConsensusMessage): void {
    this.broadcast(message);
  }
  fetch(request: FetchRequest): void {
    this.fetches.push(request);
  }
}

class LoggingStore extends MemorySignedStore {
  constructor(private readonly log: string[]) {
    super();
  }
  override async saveSigned(message: SignedMessage): Promise<void> {
    this.log.push(`save ${message.type} ${message.view}`);
    await super.saveSigned(message);
  }
}

function engine(store: SignedStore, network: Network, clock = new Scheduler()) {
  const e = new ConsensusEngine(
    { validators: 6, signer: fx.scheme.signer(ME), namespace: NAMESPACE, deltaMs: 100 },
    { clock, network, store, application: new SimulatedApplication(), scheme: fx.scheme },
  );
  const activity: ConsensusActivity[] = [];
  e.subscribe((a) => activity.push(a));
  return { engine: e, activity, clock };
}

/** The leader's signed proposal for a simulated block of view v on genesis. */
function proposal(view: number, variant = 0) {
  const context: BlockContext = {
    view,
    proposer: fx.leaders.leader(view),
    parent: SIM_GENESIS,
    parentView: 0,
  };
  const p = fx.proposal(view, simulatedBlock(context, variant).digest, SIM_GENESIS, 0);
  return { ...p, block: simulatedBlock(context, variant) };
}

describe("ConsensusEngine", () => {
  it("persists every vote and nullify before sending it", async () => {
    const log: string[] = [];
    const network = new RecordingNetwork(log);
    const { engine: e, clock } = engine(new LoggingStore(log), network);
    await e.start();
    // fx.proposal signed the digest; swapping in the real payload keeps the signature valid.
    expect(e.deliver(proposal(1))).toBe("accept");
    await e.idle();
    await new Promise((r) => setImmediate(r));
    // Let the view-1 timer fire (it re-sends the vote) and the view time out in view 2 (a nullify).
    e.deliver(fx.nullification(1, [0, 1, 2]));
    while (clock.step(600)) await new Promise((r) => setImmediate(r));
    const signed = log.filter((l) => !l.startsWith("send proposal"));
    expect(signed).toContain("send vote 1");
    expect(signed).toContain("send nullify 2");
    for (const line of signed.filter((l) => l.startsWith("send vote") || l.startsWith("send nullify"))) {
      const saved = signed.indexOf(line.replace("send", "save"));
      expect(saved).toBeGreaterThanOrEqual(0);
      expect(saved).toBeLessThan(signed.indexOf(line));
    }
  });

  it("rejects a forged signature and a proposal from a non-leader, and ignores duplicates of a certificate", async () => {
    const network = new RecordingNetwork([]);
    const { engine: e, activity } = engine(new MemorySignedStore(), network);
    await e.start();
    expect(e.deliver({ ...fx.vote(1, proposal(1).block.digest, 2), signer: 3 })).toBe("reject");
    expect(activity.some((a) => a.type === "fault" && a.fault.kind === "invalidSignature")).toBe(true);
    expect(e.deliver(fx.proposal(1, proposal(1).block.digest, SIM_GENESIS, 0, 2))).toBe("reject");
    const nullification = fx.nullification(1, [0, 1, 2]);
    expect(e.deliver(nullification)).toBe("accept");
    await e.idle();
    expect(e.deliver(nullification)).toBe("ignore");
    expect(e.currentView()).toBe(2);
    expect(e.certificates(1)).toEqual([nullification]);
  });

  it("skips the signature check of votes and nullifies that would change nothing, not of conflicting ones", async () => {
    const { engine: e } = engine(new MemorySignedStore(), new RecordingNetwork([]));
    await e.start();
    const digest = proposal(1).block.digest;
    for (const signer of [0, 1, 2, 3, 4]) expect(e.deliver(fx.vote(1, digest, signer))).toBe("accept");
    expect(e.deliver(fx.nullify(2, 0))).toBe("accept");
    await e.idle();
    expect(e.certificates(1).map((c) => c.type)).toContain("lNotarization");
    const forged = (message: ConsensusMessage) => ({ ...message, signature: new Uint8Array(8) });
    // The same vote again, and a vote for the block that already has L votes here: nothing to check.
    expect(e.screen(forged(fx.vote(1, digest, 0)))).toBe("ignore");
    expect(e.screen(forged(fx.vote(1, digest, ME)))).toBe("ignore");
    expect(e.screen(forged(fx.nullify(2, 0)))).toBe("ignore");
    // A vote for another block from a signer already counted is evidence of a fault: it is checked.
    expect(e.screen(fx.vote(1, digestOf("other"), 0))).toMatchObject({ type: "vote", signer: 0 });
    expect(e.deliver(forged(fx.vote(1, digestOf("other"), 1)))).toBe("reject");
    expect(e.screen(fx.nullify(2, 1))).toMatchObject({ type: "nullify", signer: 1 });
  });

  it("tells the signature batching how many votes on its block complete the next certificate", async () => {
    const { engine: e } = engine(new MemorySignedStore(), new RecordingNetwork([]));
    await e.start();
    const digest = proposal(1).block.digest;
    const quorumAt = (message: ConsensusMessage) => (e.screen(message) as SignatureCheck).quorumAt;
    // Before this validator votes, a vote may count against its own: check each at once.
    expect(quorumAt(fx.vote(1, digest, 0))).toBe(1);
    e.deliver(proposal(1));
    await new Promise((r) => setImmediate(r));
    await e.idle();
    // Own vote + 2 complete M (3); then own + 2 + 2 complete L (5).
    expect(quorumAt(fx.vote(1, digest, 0))).toBe(2);
    for (const signer of [0, 1]) expect(e.deliver(fx.vote(1, digest, signer))).toBe("accept");
    await e.idle();
    expect(e.certificates(1).map((c) => c.type)).toEqual(["mNotarization"]);
    expect(quorumAt(fx.vote(1, digest, 2))).toBe(2);
    expect(quorumAt(fx.vote(1, digestOf("other"), 2))).toBe(1);
    expect(quorumAt(fx.nullify(1, 2))).toBe(1);
  });

  it("after a restart re-sends the vote it signed and never signs another in that view", async () => {
    const store = new MemorySignedStore();
    const first = engine(store, new RecordingNetwork([]));
    await first.engine.start();
    first.engine.deliver(proposal(1));
    await new Promise((r) => setImmediate(r));
    await first.engine.idle();
    const signedBefore = store.signedMessages().filter((m) => m.type === "vote");
    expect(signedBefore).toHaveLength(1);
    first.engine.stop();

    const network = new RecordingNetwork([]);
    const second = engine(store, network);
    await second.engine.start();
    await second.engine.idle();
    expect(network.sent.filter((m) => m.type === "vote")).toEqual(signedBefore);
    // A conflicting block of the same view, even M-notarized, gets no second vote from this key.
    const other = proposal(1, 1);
    second.engine.deliver(fx.notarization("mNotarization", 1, other.block.digest, [0, 1, 2]));
    await new Promise((r) => setImmediate(r));
    await second.engine.idle();
    expect(store.signedMessages().filter((m) => m.type === "vote")).toEqual(signedBefore);
    expect(second.engine.currentView()).toBe(2);
  });

  it("stops, and says why, when the store cannot persist a signature (nothing unsaved is sent)", async () => {
    const network = new RecordingNetwork([]);
    const failing = new MemorySignedStore();
    failing.saveSigned = async () => {
      throw new Error("disk full");
    };
    const { engine: e, activity } = engine(failing, network);
    await e.start();
    e.deliver(proposal(1));
    await new Promise((r) => setImmediate(r));
    await e.idle();
    expect(network.sent.filter((m) => m.type === "vote")).toEqual([]);
    expect(activity.find((a) => a.type === "error")).toMatchObject({ error: { message: "disk full" } });
  });

  it("serves the activity stream and the queries a node and a visualizer need", async () => {
    const sim = new Simulation({ seed: 3, n: 6 });
    const seen = new Set<string>();
    await sim.run(10); // boots the engines
    sim.nodes[2].engine!.subscribe((a) => seen.add(a.type));
    await sim.run(1_000);
    const e = sim.nodes[2].engine!;
    for (const type of ["viewEntered", "proposal", "vote", "certificate", "finalized"])
      expect(seen).toContain(type);
    const head = e.finalized();
    expect(head.height).toBe(sim.nodes[2].app.chain.length);
    expect(e.currentView()).toBeGreaterThan(head.view);
    const proof = e.finalityCertificate(head.digest)!;
    expect(proof.type).toBe("lNotarization");
    expect(() => verifyCertificate(proof, sim.q, sim.scheme, sim.namespace)).not.toThrow();
    expect(
      e.certificates(head.view).some((c) => c.type === "mNotarization" || c.type === "lNotarization"),
    ).toBe(true);
    // A peer's fetch of a block returns its signed proposal with the ancestors the asker lacks, oldest first.
    const answer = e.answer({ type: "block", digest: head.digest, since: head.view - 3 });
    expect(answer.map((m) => m.view)).toEqual([head.view - 2, head.view - 1, head.view]);
    expect(e.answer({ type: "certificate", view: head.view })).toEqual(e.certificates(head.view));
  });
});
