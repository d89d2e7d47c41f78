/**
 * Acceptance of issue 2: 100+ blocks of random transfers and contract calls through the consensus
 * Application (a leader and a verifying validator), the supply invariant after every block, and the
 * same head, state root and balances after reopening the LevelDB store.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, getContractAddress, type Hex } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import type { BlockContext } from "../../../src/consensus/application.js";
import { ChainApplication, type TransactionSource } from "../../../src/execution/application.js";
import { Blockchain } from "../../../src/execution/blockchain.js";
import type { DecodedTransaction } from "../../../src/execution/tx-validation.js";
import { LevelStore, MemoryStore } from "../../../src/storage/index.js";
import { COUNTER_INIT, INCREMENTED_TOPIC } from "./contracts.js";
import { candidates, decoded, devKeys, ethAddress, seededRandom, signTx, testGenesis } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kairos-chain-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class QueueSource implements TransactionSource {
  queue: DecodedTransaction[] = [];
  candidates() {
    const batch = this.queue;
    this.queue = [];
    return candidates(batch);
  }
}

const BLOCKS = 104;

describe("a chain of 100+ blocks on LevelDB", () => {
  it("keeps the supply, executes contracts, and reopens with the same head, state root and balances", async () => {
    const genesis = testGenesis();
    const store = await LevelStore.open(dir);
    const chain = await Blockchain.open(store, genesis);
    const validatorChain = await Blockchain.open(new MemoryStore(), genesis);
    const pool = new QueueSource();
    let clock = 1_000n;
    const leader = new ChainApplication(chain, pool, { now: () => clock });
    const validator = new ChainApplication(validatorChain, new QueueSource(), { now: () => clock });
    const { common } = chain;
    const rand = seededRandom(42);
    const nonces = devKeys.map(() => 0n);
    const strangers: Hex[] = Array.from(
      { length: 6 },
      (_, i): Hex => `0x${(i + 1).toString(16).padStart(40, "5")}`,
    );
    const counter = getContractAddress({ from: devKeys[9].address, nonce: 0n });
    const touched = new Set<string>([
      ...devKeys.map((k) => k.address),
      ...strangers,
      ...genesis.validators.map((v) => v.feeRecipient),
      counter,
    ]);
    const next = (i: number) => nonces[i]++;

    // Block 1 deploys the counter.
    const deployment = signTx(common, devKeys[9], { nonce: next(9), gasLimit: 200_000n, data: COUNTER_INIT });
    pool.queue.push(decoded(common, deployment));
    let calls = 0;
    let parent = chain.genesisHash;
    let parentView = 0;

    for (let view = 1; chain.finalHead.header.number < BLOCKS; view++) {
      if (view > 1) {
        for (let k = Math.floor(rand() * 7); k > 0; k--) {
          const sender = Math.floor(rand() * 9);
          if (rand() < 0.3) {
            pool.queue.push(
              decoded(
                common,
                signTx(common, devKeys[sender], { to: counter, nonce: next(sender), gasLimit: 60_000n }),
              ),
            );
            calls++;
          } else {
            const all = [...devKeys.map((d) => d.address), ...strangers];
            const to = all[Math.floor(rand() * all.length)];
            const value = BigInt(Math.floor(rand() * 1e9)) * 10n ** 9n;
            const type = [0, 1, 2][Math.floor(rand() * 3)] as 0 | 1 | 2;
            pool.queue.push(
              decoded(common, signTx(common, devKeys[sender], { to, value, nonce: next(sender), type })),
            );
          }
        }
      }
      if (rand() < 0.2) clock += 1n;
      const context: BlockContext = { view, proposer: view % 2, parent, parentView };
      const proposal = await leader.propose(context);
      expect(await validator.verify(proposal, context)).toEqual({ ok: true });
      const proof = { view, digest: proposal.digest, certificate: new Uint8Array([view & 0xff]) };
      await leader.finalized(proposal, context, proof);
      await validator.finalized(proposal, context, proof);
      parent = proposal.digest;
      parentView = view;

      const head = chain.finalHead;
      expect(bytesToHex(validatorChain.finalHead.hash())).toBe(bytesToHex(head.hash()));
      const state = await chain.world.at(head.header.stateRoot);
      let sum = 0n;
      for (const address of touched) sum += (await state.getAccount(ethAddress(address)))?.balance ?? 0n;
      expect(sum, `supply after block ${head.header.number}`).toBe(chain.supply);
    }

    // The deployment and the calls, through their receipts and logs.
    const first = await chain.finalBlockAt(1n);
    const firstReceipts = await chain.receipts(bytesToHex(first?.hash() ?? new Uint8Array()));
    expect(firstReceipts?.[0].status).toBe(1);
    expect(bytesToHex(firstReceipts?.[0].contractAddress ?? new Uint8Array())).toBe(counter.toLowerCase());
    let seen = 0;
    for (let n = 2n; n <= chain.finalHead.header.number; n++) {
      const block = await chain.finalBlockAt(n);
      const receipts = (await chain.receipts(bytesToHex(block?.hash() ?? new Uint8Array()))) ?? [];
      for (const receipt of receipts) {
        for (const [address, topics, data] of receipt.logs) {
          expect(bytesToHex(address)).toBe(counter.toLowerCase());
          expect(bytesToHex(topics[0])).toBe(INCREMENTED_TOPIC);
          expect(BigInt(bytesToHex(data))).toBe(BigInt(++seen));
        }
      }
    }
    expect(seen).toBe(calls);
    expect(calls).toBeGreaterThan(10);

    // Reopen from disk.
    const headHash = bytesToHex(chain.finalHead.hash());
    const stateRoot = bytesToHex(chain.finalHead.header.stateRoot);
    const before = await chain.world.at(chain.finalHead.header.stateRoot);
    const balances = new Map<string, bigint>();
    for (const address of touched)
      balances.set(address, (await before.getAccount(ethAddress(address)))?.balance ?? 0n);
    const block50 = await chain.finalBlockAt(50n);
    await store.close();

    const reopened = await Blockchain.open(await LevelStore.open(dir), genesis);
    expect(bytesToHex(reopened.finalHead.hash())).toBe(headHash);
    expect(bytesToHex(reopened.finalHead.header.stateRoot)).toBe(stateRoot);
    const after = await reopened.world.at(reopened.finalHead.header.stateRoot);
    for (const [address, balance] of balances)
      expect((await after.getAccount(ethAddress(address)))?.balance).toBe(balance);
    const slot0 = await after.getStorage(ethAddress(counter), new Uint8Array(32));
    expect(BigInt(bytesToHex(slot0))).toBe(BigInt(calls));
    // Historical state stays readable by its root.
    const old = await reopened.world.at(block50?.header.stateRoot ?? new Uint8Array());
    expect((await old.getAccount(ethAddress(devKeys[0].address)))?.balance).toBeGreaterThan(0n);
    expect(await reopened.storage.certificates.get(BLOCKS, "lNotarization")).toBeDefined();
    await reopened.storage.store.close();
  });
});
