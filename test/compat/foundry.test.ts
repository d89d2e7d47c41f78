// Foundry against a running validator, the way a Solidity developer uses it: `forge create` and
// `forge script` broadcast to the node, `cast` sends, calls and reads balances. Every assertion is on
// what the tools print (receipts, returned values, balances), not on the node's internals.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAIN_ID, DEV_KEYS, type RunningNode, rpc, startSingleNode } from "./helpers/single-node.js";

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const forge = path.join(root, "node_modules/@foundry-rs/forge-linux-amd64/bin/forge");
const cast = path.join(root, "node_modules/@foundry-rs/cast-linux-amd64/bin/cast");
// The solc shim forge runs is a `#!/usr/bin/env node` script: put this Node (22) first on its PATH.
const env = {
  ...process.env,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
};
const MINUTES = 60_000;
const DEV0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const COUNTER = "contracts/script/CompatCounter.s.sol";

interface CastReceipt {
  status: string;
  contractAddress: string | null;
  logs: { address: string; topics: string[]; data: string }[];
}

async function tool(binary: string, args: string[]): Promise<string> {
  const { stdout } = await exec(binary, args, { cwd: root, env, maxBuffer: 64 << 20 });
  return stdout.trim();
}

describe("Foundry (forge 1.7.1, cast 1.7.1) against a running validator", () => {
  let node: RunningNode;
  const castArgs = () => ["--rpc-url", node.url];

  beforeAll(async () => {
    node = await startSingleNode();
    // Compile once up front so that the timed steps below only talk to the node.
    await tool(forge, ["build"]);
  }, 10 * MINUTES);

  afterAll(async () => {
    await node?.stop();
  });

  it("cast chain-id prints Kairos's chain ID", async () => {
    expect(await tool(cast, ["chain-id", ...castArgs()])).toBe(String(CHAIN_ID));
  });

  it("cast balance prints a genesis balance in wei", async () => {
    const balance = await tool(cast, ["balance", DEV0, ...castArgs()]);
    const { result } = await rpc<string>(node.url, "eth_getBalance", [DEV0, "latest"]);
    expect(BigInt(balance)).toBe(BigInt(result ?? "0x0"));
    expect(BigInt(balance)).toBeGreaterThan(0n);
  });

  it(
    "forge create --broadcast deploys a contract; cast call reads it, cast send writes it",
    async () => {
      const created = await tool(forge, [
        "create",
        `${COUNTER}:CompatCounter`,
        ...castArgs(),
        "--private-key",
        DEV_KEYS[0],
        "--broadcast",
        "--constructor-args",
        "42",
      ]);
      const address = /Deployed to: (0x[0-9a-fA-F]{40})/.exec(created)?.[1];
      const txHash = /Transaction hash: (0x[0-9a-fA-F]{64})/.exec(created)?.[1];
      expect(address).toBeDefined();
      expect(txHash).toBeDefined();
      if (address === undefined || txHash === undefined) return;

      const deployReceipt = JSON.parse(
        await tool(cast, ["receipt", txHash, "--json", ...castArgs()]),
      ) as CastReceipt;
      expect(BigInt(deployReceipt.status)).toBe(1n);
      expect(deployReceipt.contractAddress?.toLowerCase()).toBe(address.toLowerCase());
      expect((await tool(cast, ["code", address, ...castArgs()])).length).toBeGreaterThan(100);

      expect(await tool(cast, ["call", address, "count()(uint256)", ...castArgs()])).toBe("42");
      expect((await tool(cast, ["call", address, "owner()(address)", ...castArgs()])).toLowerCase()).toBe(
        DEV0.toLowerCase(),
      );
      expect(
        await tool(cast, ["call", address, "add(uint256,uint256)(uint256)", "2", "3", ...castArgs()]),
      ).toBe("5");

      const sent = JSON.parse(
        await tool(cast, [
          "send",
          address,
          "set(uint256)",
          "77",
          "--private-key",
          DEV_KEYS[0],
          "--json",
          ...castArgs(),
        ]),
      ) as CastReceipt;
      expect(BigInt(sent.status)).toBe(1n);
      expect(sent.logs).toHaveLength(1);
      expect(sent.logs[0]?.address.toLowerCase()).toBe(address.toLowerCase());
      expect(BigInt(sent.logs[0]?.data ?? "0x0")).toBe(77n);
      expect(await tool(cast, ["call", address, "count()(uint256)", ...castArgs()])).toBe("77");
    },
    5 * MINUTES,
  );

  it(
    "cast send moves value, and cast balance shows it",
    async () => {
      const to = "0x000000000000000000000000000000000000bEEF";
      const before = BigInt(await tool(cast, ["balance", to, ...castArgs()]));
      const receipt = JSON.parse(
        await tool(cast, [
          "send",
          to,
          "--value",
          "1ether",
          "--private-key",
          DEV_KEYS[1],
          "--json",
          ...castArgs(),
        ]),
      ) as CastReceipt;
      expect(BigInt(receipt.status)).toBe(1n);
      expect(BigInt(await tool(cast, ["balance", to, ...castArgs()]))).toBe(before + 10n ** 18n);
      expect(await tool(cast, ["balance", to, "--ether", ...castArgs()])).toBe("1.000000000000000000");
    },
    5 * MINUTES,
  );

  it(
    "forge script --broadcast deploys and calls a contract in two transactions",
    async () => {
      await tool(forge, [
        "script",
        `${COUNTER}:CompatCounterScript`,
        ...castArgs(),
        "--private-key",
        DEV_KEYS[1],
        "--broadcast",
      ]);
      // forge records what it broadcast, with the receipts it fetched from the node.
      const log = JSON.parse(
        await readFile(
          path.join(root, `cache/broadcast/CompatCounter.s.sol/${CHAIN_ID}/run-latest.json`),
          "utf8",
        ),
      ) as {
        transactions: { transactionType: string; contractAddress: string | null; hash: string }[];
        receipts: { status: string; transactionHash: string }[];
      };
      expect(log.transactions.map((t) => t.transactionType)).toEqual(["CREATE", "CALL"]);
      expect(log.receipts.map((r) => BigInt(r.status))).toEqual([1n, 1n]);
      const address = log.transactions[0]?.contractAddress;
      expect(address).toBeTruthy();
      if (!address) return;
      expect(await tool(cast, ["call", address, "count()(uint256)", ...castArgs()])).toBe("9");
      expect((await tool(cast, ["call", address, "owner()(address)", ...castArgs()])).toLowerCase()).toBe(
        "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
      );
    },
    5 * MINUTES,
  );
});
