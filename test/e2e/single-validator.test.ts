/**
 * One validator in this process, wired exactly as `kairos node` wires it (real LevelDB, real libp2p,
 * BLS, Minimmit with n = 1): transactions go in, final blocks come out, and a restart keeps them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAddressFromString } from "@ethereumjs/util";
import { type Address, hexToBytes, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, describe, expect, it } from "vitest";
import { defaultConfig, type KairosConfig } from "../../src/config/index.js";
import { devnetValidatorKeys } from "../../src/crypto/keyFiles.js";
import { parseGenesis } from "../../src/execution/genesis.js";
import { devnetGenesis } from "../../src/node/devnet-genesis.js";
import { createLogger } from "../../src/node/logger.js";
import { ValidatorNode } from "../../src/node/validator-node.js";
import { freePort } from "./helpers/ports.js";

const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const sender = privateKeyToAccount(DEV_KEY);
const recipient: Address = "0x000000000000000000000000000000000000dEaD";

async function balanceOf(node: ValidatorNode, address: Address): Promise<bigint> {
  const state = await node.chain.world.at(node.chain.finalHead.header.stateRoot);
  return (await state.getAccount(createAddressFromString(address)))?.balance ?? 0n;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a single validator (n = 1) through Minimmit", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("finalizes a transfer and keeps it across a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "kairos-single-"));
    dirs.push(dir);
    const base = defaultConfig();
    const config: KairosConfig = {
      ...base,
      consensus: { ...base.consensus, n: 1, f: 0, emptyBlockIntervalMs: 200, viewTimeoutMs: 2_000 },
      storage: { path: join(dir, "db") },
      p2p: { ...base.p2p, port: await freePort() },
      rpc: { ...base.rpc, port: await freePort() },
      metrics: { ...base.metrics, enabled: false },
      logging: { level: "silent", pretty: false },
    };
    const genesis = parseGenesis(await devnetGenesis(1));
    const keys = await devnetValidatorKeys(0);
    const logger = createLogger(config.logging);

    const node = await ValidatorNode.open({ config, genesis, keys, logger });
    const before = await balanceOf(node, recipient);
    const raw = await sender.signTransaction({
      chainId: Number(genesis.chainId),
      type: "eip1559",
      nonce: 0,
      to: recipient,
      value: parseEther("1.5"),
      gas: 21_000n,
      maxFeePerGas: 10_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    });
    const hash = await node.submit(hexToBytes(raw));
    await until(async () => (await balanceOf(node, recipient)) === before + parseEther("1.5"));
    const location = await node.chain.storage.txIndex.get(hash);
    expect(location).toBeDefined();
    const head = node.chain.finalHead.hash();
    const height = node.chain.finalHead.header.number;
    await node.close();

    const reopened = await ValidatorNode.open({ config, genesis, keys, logger });
    try {
      expect(reopened.chain.finalHead.header.number).toBeGreaterThanOrEqual(height);
      expect((await reopened.chain.finalBlockAt(height))?.hash()).toEqual(head);
      expect(await balanceOf(reopened, recipient)).toBe(before + parseEther("1.5"));
      // Consensus picks up where it stopped: new blocks keep coming after the restart.
      await until(async () => reopened.chain.finalHead.header.number > height);
    } finally {
      await reopened.close();
    }
  });
});
