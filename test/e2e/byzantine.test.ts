/**
 * Issue 5's Byzantine acceptance on real processes: an equivocating leader and a peer that sends
 * garbage cause no safety violation, and the chain goes on.
 */
import { fileURLToPath } from "node:url";
import { generateKeyPair } from "@libp2p/crypto/keys";
import { afterEach, describe, expect, it } from "vitest";
import { devnetValidatorKeys, identityOf } from "../../src/crypto/keyFiles.js";
import { CONSENSUS_PROTOCOL } from "../../src/p2p/consensus-channel.js";
import { framedStream } from "../../src/p2p/framing.js";
import { P2pHost } from "../../src/p2p/host.js";
import { TestDevnet } from "./helpers/devnet.js";

const ALL = [0, 1, 2, 3, 4, 5];
const EQUIVOCATOR = 1;
const HARNESS = fileURLToPath(new URL("./helpers/equivocating-validator.ts", import.meta.url));

describe("Byzantine behaviour on a six-validator devnet", () => {
  let devnet: TestDevnet | undefined;
  afterEach(async () => {
    await devnet?.stop();
    devnet = undefined;
  });

  it("an equivocating leader breaks nothing: its twin blocks are seen, the chain goes on, and all agree", {
    timeout: 600_000,
  }, async () => {
    devnet = await TestDevnet.create({ validators: 6 });
    for (const i of ALL) devnet.start(i, i === EQUIVOCATOR ? HARNESS : undefined);
    // Two full rounds of leaders, so the equivocator leads at least twice.
    await devnet.waitForHeight(14, ALL, 300_000);
    // Validator 0 received both proposals of the equivocator's views and reported it.
    expect(
      await devnet.metric(0, 'kairos_consensus_faults_total{kind="equivocation"}'),
    ).toBeGreaterThanOrEqual(1);

    const common = Math.min(...(await Promise.all(ALL.map((i) => devnet!.finalizedHeight(i)))).map(Number));
    await devnet.stop({ keep: true });
    const chains = await Promise.all(ALL.map((i) => devnet!.finalHashes(i, common)));
    for (const chain of chains) {
      expect(chain).not.toContain("missing");
      expect(chain).toEqual(chains[0]);
    }
  });

  it("a peer sending garbage is cut off and the chain goes on", { timeout: 600_000 }, async () => {
    devnet = await TestDevnet.create({ validators: 6 });
    devnet.startAll();
    await devnet.waitForHeight(2, ALL, 300_000);

    // An outsider dials validator 0 and writes malformed frames on the consensus protocol.
    const target = identityOf(await devnetValidatorKeys(0)).peerId;
    const address = `/ip4/127.0.0.1/tcp/${devnet.ports.p2p}/p2p/${target}`;
    const attacker = await P2pHost.create({ privateKey: await generateKeyPair("Ed25519"), peers: [address] });
    await attacker.start();
    try {
      const deadline = Date.now() + 60_000;
      while (!attacker.isConnected(target) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      for (let round = 0; round < 200 && attacker.isConnected(target); round++) {
        try {
          const stream = await attacker.openStream(target, CONSENSUS_PROTOCOL, AbortSignal.timeout(5_000));
          await framedStream(stream, 1024).write(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00]));
        } catch {
          // Refused or reset: what a validator should do to a garbage sender.
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const before = Number(await devnet.finalizedHeight(0));
      await devnet.waitForHeight(before + 3, ALL, 240_000);
      // Validator 0 banned the attacker. The attacker keeps redialling (backoff), and a redial can be
      // mid-handshake when checked, so wait for a moment it is not connected rather than sample once.
      expect(await devnet.metric(0, "kairos_p2p_peers_banned_total")).toBeGreaterThanOrEqual(1);
      await expect.poll(() => attacker.isConnected(target), { timeout: 30_000, interval: 50 }).toBe(false);
    } finally {
      await attacker.stop();
    }
  });
});
