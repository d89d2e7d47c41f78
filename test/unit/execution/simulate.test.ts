/**
 * eth_call, eth_estimateGas and eth_createAccessList on pooled VMs over an overlay state: each call sees
 * exactly the block's state plus its overrides, warm what a transaction finds warm, and leaves nothing.
 */
import { createEVM } from "@ethereumjs/evm";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { type Address, bytesToHex, type Hex, hexToBigInt, padHex } from "viem";
import { describe, expect, it } from "vitest";
import { enableJumpAnalysisCache } from "../../../src/execution/jump-analysis-cache.js";
import { type CallMessage, intrinsicGas, transactionRules } from "../../../src/execution/simulate.js";
import { devKeys } from "./helpers.js";
import { COUNTER, chainWithHistory } from "./history.js";

/** SLOAD(0), return it as one word. */
const READ_SLOT_0: Hex = "0x60005460005260206000f3";
/** ADDRESS, BALANCE, STOP: a warm account costs 100, a cold one 2,600. */
const OWN_BALANCE: Hex = "0x303100";
const COINBASE_BALANCE: Hex = "0x413100";
/** PUSH1 4 (the identity precompile), BALANCE, STOP. */
const PRECOMPILE_BALANCE: Hex = "0x60043100";
const OPTIONS = { gasCap: 50_000_000n };
const slot = (n: bigint) => padHex(`0x${n.toString(16)}`, { size: 32 });

describe("simulator", () => {
  it("every call starts from the block's state: writes of one call never reach the next", async () => {
    const { chain, simulator } = await chainWithHistory();
    const head = bytesToHex(chain.finalHead.hash());
    const read = { to: COUNTER, data: "0x" as Hex };
    const readCode = new Map([[COUNTER, { code: READ_SLOT_0 }]]);
    // The counter increments slot 0 (2 after block 2); many calls at once and in a row.
    const increments = await Promise.all(
      Array.from({ length: 8 }, () => simulator.call({ to: COUNTER }, head, OPTIONS)),
    );
    expect(increments.every((o) => o.status === "success")).toBe(true);
    for (let i = 0; i < 3; i++) await simulator.call({ to: COUNTER }, head, OPTIONS);
    const after = await simulator.call(read, head, { ...OPTIONS, stateOverrides: readCode });
    expect(hexToBigInt(after.returnData)).toBe(2n);
    // At block 1 the counter had never been called.
    const first = (await chain.finalBlockAt(1n))?.hash();
    const atOne = await simulator.call(read, bytesToHex(first ?? new Uint8Array()), {
      ...OPTIONS,
      stateOverrides: readCode,
    });
    expect(hexToBigInt(atOne.returnData)).toBe(0n);
  });

  it("state overrides: `state` replaces the storage, `stateDiff` patches it, a balance applies", async () => {
    const { chain, simulator } = await chainWithHistory();
    const head = bytesToHex(chain.finalHead.hash());
    const read = (override: object) =>
      simulator
        .call({ to: COUNTER }, head, {
          ...OPTIONS,
          stateOverrides: new Map([[COUNTER, { code: READ_SLOT_0, ...override }]]),
        })
        .then((o) => hexToBigInt(o.returnData));
    expect(await read({})).toBe(2n);
    expect(await read({ state: new Map([[slot(1n), slot(5n)]]) })).toBe(0n);
    expect(await read({ stateDiff: new Map([[slot(1n), slot(5n)]]) })).toBe(2n);
    expect(await read({ stateDiff: new Map([[slot(0n), slot(41n)]]) })).toBe(41n);
    const poor: Address = "0x00000000000000000000000000000000000d00d0";
    const send = { from: poor, to: devKeys[0].address, value: 10n ** 18n } as const;
    expect((await simulator.call(send, head, OPTIONS)).status).not.toBe("success");
    const rich = new Map([[poor, { balance: 10n ** 19n }]]);
    expect((await simulator.call(send, head, { ...OPTIONS, stateOverrides: rich })).status).toBe("success");
  });

  it("warms the sender, the target, the coinbase and the precompiles as a transaction does", async () => {
    const { chain, simulator } = await chainWithHistory();
    const head = bytesToHex(chain.finalHead.hash());
    const target = "0x00000000000000000000000000000000000a11ce";
    const run = (code: Hex) =>
      simulator.call({ from: devKeys[4].address, to: target }, head, {
        ...OPTIONS,
        stateOverrides: new Map([[target, { code }]]),
      });
    expect((await run(OWN_BALANCE)).gasUsed).toBe(21_000n + 2n + 100n);
    expect((await run(COINBASE_BALANCE)).gasUsed).toBe(21_000n + 2n + 100n);
    expect((await run(PRECOMPILE_BALANCE)).gasUsed).toBe(21_000n + 3n + 100n);
  });

  it("estimates exactly what the mined transaction used, and an access list of what it touched", async () => {
    const { chain, txs, simulator } = await chainWithHistory();
    const blockOne = bytesToHex((await chain.finalBlockAt(1n))?.hash() ?? new Uint8Array());
    const receipts = await chain.receipts(bytesToHex(chain.finalHead.hash()));
    // call1 ran first in block 2, on block 1's state.
    const estimate = await simulator.estimateGas(
      { from: devKeys[1].address, to: COUNTER },
      blockOne,
      OPTIONS,
    );
    expect(estimate).toBe(receipts?.[0].gasUsed);
    expect(txs.call1.gasLimit).toBeGreaterThan(estimate);
    const reader = "0x00000000000000000000000000000000000a11ce";
    const list = await simulator.createAccessList({ from: devKeys[4].address, to: reader }, blockOne, {
      ...OPTIONS,
      stateOverrides: new Map([[reader, { code: `0x73${COUNTER.slice(2)}3100` as Hex }]]),
    });
    expect(list.accessList).toEqual([{ address: COUNTER, storageKeys: [] }]);
  });

  it("counts intrinsic gas as EthereumJS does for calls, creations and access lists", async () => {
    const { chain } = await chainWithHistory();
    const rules = transactionRules(chain.common);
    const messages: CallMessage[] = [
      { to: COUNTER },
      { to: COUNTER, data: "0x00ff0000aa" },
      { data: "0x6001600101" },
      { to: COUNTER, accessList: [{ address: COUNTER, storageKeys: [slot(0n), slot(1n)] }] },
    ];
    for (const message of messages) {
      const tx = createFeeMarket1559Tx(
        {
          ...(message.to ? { to: message.to } : {}),
          data: message.data ?? "0x",
          gasLimit: 1_000_000n,
          accessList: (message.accessList ?? []).map((i) => ({
            address: i.address,
            storageKeys: [...i.storageKeys],
          })),
        },
        { common: chain.common },
      );
      expect(intrinsicGas(rules, message)).toBe(tx.getIntrinsicGas());
    }
  });

  it("can remember code analyses: the EthereumJS method it wraps is still there", async () => {
    expect(await enableJumpAnalysisCache(await createEVM())).toBe(true);
  });
});
