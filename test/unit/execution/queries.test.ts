/** The RPC's read paths: receipts, logs by filter, state at a block, and message simulation. */
import { bytesToHex, getContractAddress, type Hex, padHex } from "viem";
import { describe, expect, it } from "vitest";
import { ChainApplication, type TransactionSource } from "../../../src/execution/application.js";
import { Blockchain } from "../../../src/execution/blockchain.js";
import { GasEstimationError, Simulator } from "../../../src/execution/simulate.js";
import type { DecodedTransaction } from "../../../src/execution/tx-validation.js";
import { BlockchainChainReader } from "../../../src/node/rpc-backend/chain-reader.js";
import { WorldStateReader } from "../../../src/node/rpc-backend/state-reader.js";
import { COUNTER_INIT, INCREMENTED_TOPIC } from "./contracts.js";
import { candidates, decoded, devKeys, openChain, signTx } from "./helpers.js";

async function chainWithCounter() {
  const chain = await openChain();
  const { common } = chain;
  let queue: DecodedTransaction[] = [];
  const pool: TransactionSource = {
    candidates: () => {
      const batch = queue;
      queue = [];
      return candidates(batch);
    },
  };
  const app = new ChainApplication(chain, pool, { now: () => 100n });
  let parent = chain.genesisHash;
  const produce = async (view: number, txs: DecodedTransaction[]) => {
    queue = txs;
    const context = { view, proposer: 0, parent, parentView: view - 1 };
    const block = await app.propose(context);
    await app.finalized(block, context, { view, digest: block.digest, certificate: new Uint8Array([1]) });
    parent = block.digest;
  };
  const deploy = signTx(common, devKeys[0], { nonce: 0n, gasLimit: 200_000n, data: COUNTER_INIT });
  await produce(1, [decoded(common, deploy)]);
  const counter = getContractAddress({ from: devKeys[0].address, nonce: 0n });
  const call1 = signTx(common, devKeys[1], { nonce: 0n, to: counter, gasLimit: 60_000n });
  const transfer = signTx(common, devKeys[2], { nonce: 0n, to: devKeys[3].address, value: 5n });
  const call2 = signTx(common, devKeys[1], { nonce: 1n, to: counter, gasLimit: 60_000n, type: 0 });
  await produce(2, [decoded(common, call1), decoded(common, transfer), decoded(common, call2)]);
  return { chain, counter, deploy, call1, call2, transfer };
}

describe("chain queries", () => {
  it("serves receipts with logs and indices, and logs by address and topic filters", async () => {
    const { chain, counter, deploy, call2 } = await chainWithCounter();
    const queries = new BlockchainChainReader(chain);
    expect(queries.finalHead().number).toBe(2n);
    const deployed = await queries.receipt(bytesToHex(deploy.hash()));
    expect(deployed?.contractAddress).toBe(counter);
    expect(deployed?.status).toBe("success");
    const second = await queries.receipt(bytesToHex(call2.hash()));
    expect(second).toMatchObject({ transactionIndex: 2, blockNumber: 2n, status: "success", type: 0 });
    expect(second?.logs[0]).toMatchObject({ address: counter, logIndex: 1, transactionIndex: 2 });
    expect(second?.logs[0].topics).toEqual([INCREMENTED_TOPIC]);
    expect(BigInt(second?.logs[0].data ?? "0x0")).toBe(2n);

    const all = await queries.logs({
      fromBlock: 0n,
      toBlock: 2n,
      addresses: [counter],
      topics: [INCREMENTED_TOPIC],
    });
    expect(all.map((l) => BigInt(l.data))).toEqual([1n, 2n]);
    const wildcard = await queries.logs({ fromBlock: 2n, toBlock: 2n, topics: [null] });
    expect(wildcard).toHaveLength(2);
    const none = await queries.logs({ fromBlock: 0n, toBlock: 2n, topics: [padHex("0x01", { size: 32 })] });
    expect(none).toEqual([]);
    const tx = await queries.transaction(bytesToHex(call2.hash()));
    expect(tx?.transaction.from).toBe(devKeys[1].address);
    expect(tx?.transaction.chainId).toBe(chain.common.chainId());
  });

  it("indexes the logs of a database written before the log index when it opens it", async () => {
    const { chain, counter } = await chainWithCounter();
    const query = { fromBlock: 0n, toBlock: 2n, addresses: [counter], topics: [INCREMENTED_TOPIC] };
    const before = await new BlockchainChainReader(chain).logs(query);
    const logs = chain.storage.store.namespace("logs");
    for await (const [key] of logs.entries()) await logs.del(key);
    const reopened = await Blockchain.open(chain.storage.store, chain.genesis);
    const after = await new BlockchainChainReader(reopened).logs(query);
    expect(after).toEqual(before);
    expect(after.map((log) => [log.blockNumber, log.transactionIndex, log.logIndex])).toEqual([
      [2n, 0, 0],
      [2n, 2, 1],
    ]);
  });

  it("matches any of several addresses and topics, and a topic list with a wildcard before it", async () => {
    const { chain, counter } = await chainWithCounter();
    const queries = new BlockchainChainReader(chain);
    const other = padHex("0x0badc0de", { size: 20 });
    const byEither = await queries.logs({ fromBlock: 0n, toBlock: 2n, addresses: [other, counter] });
    expect(byEither).toHaveLength(2);
    const eitherTopic = await queries.logs({
      fromBlock: 1n,
      toBlock: 2n,
      topics: [[padHex("0x01", { size: 32 }), INCREMENTED_TOPIC]],
    });
    expect(eitherTopic).toHaveLength(2);
    // The logs have one topic: a second position matches only as a wildcard.
    expect(await queries.logs({ fromBlock: 0n, toBlock: 2n, topics: [null, INCREMENTED_TOPIC] })).toEqual([]);
    expect(
      await queries.logs({ fromBlock: 0n, toBlock: 2n, topics: [INCREMENTED_TOPIC, null] }),
    ).toHaveLength(2);
    expect(await queries.logs({ fromBlock: 0n, toBlock: 2n, addresses: [other] })).toEqual([]);
  });

  it("reads state at the head and at an earlier block", async () => {
    const { chain, counter, transfer } = await chainWithCounter();
    const queries = new BlockchainChainReader(chain);
    const state = new WorldStateReader(chain);
    const head = queries.finalHead();
    const first = await queries.headerByNumber(1n);
    const at1 = { number: 1n, hash: first?.hash as Hex };
    const recipient = devKeys[3].address;
    expect((await state.balance(recipient, head)) - (await state.balance(recipient, at1))).toBe(5n);
    expect(await state.nonce(devKeys[1].address, head)).toBe(2n);
    expect(BigInt(await state.storage(counter, "0x0", head))).toBe(2n);
    expect(BigInt(await state.storage(counter, "0x0", at1))).toBe(0n);
    expect(await state.code(counter, head)).not.toBe("0x");
    expect(transfer.hash()).toBeDefined();
  });
});

describe("simulator", () => {
  it("calls, estimates gas, builds access lists and honours state overrides", async () => {
    const { chain, counter } = await chainWithCounter();
    const sim = new Simulator(chain);
    const head = new BlockchainChainReader(chain).finalHead().hash;
    const options = { gasCap: 50_000_000n };
    const call = await sim.call({ from: devKeys[4].address, to: counter }, head, options);
    expect(call.status).toBe("success");
    const estimate = await sim.estimateGas({ from: devKeys[4].address, to: counter }, head, options);
    expect(estimate).toBeGreaterThan(21_000n + 5_000n);
    // The estimate is enough and one gas less is not.
    const tooLittle = await sim.call(
      { from: devKeys[4].address, to: counter, gas: estimate - 1n },
      head,
      options,
    );
    expect(tooLittle.status).not.toBe("success");
    const list = await sim.createAccessList({ from: devKeys[4].address, to: counter }, head, options);
    expect(list.accessList).toEqual([]); // the counter itself is `to`, and it is the only account touched
    const poor = "0x00000000000000000000000000000000000d00d0";
    const broke = await sim.call({ from: poor, to: devKeys[0].address, value: 10n ** 18n }, head, options);
    expect(broke.status).not.toBe("success");
    const rich = await sim.call({ from: poor, to: devKeys[0].address, value: 10n ** 18n }, head, {
      ...options,
      stateOverrides: new Map([[poor, { balance: 10n ** 19n }]]),
    });
    expect(rich.status).toBe("success");
    const reverting = await sim
      .estimateGas({ from: devKeys[4].address, data: "0x60006000fd" }, head, options)
      .catch((e: unknown) => e);
    expect(reverting).toBeInstanceOf(GasEstimationError);
  });
});
