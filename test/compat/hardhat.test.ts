// Hardhat 3 against a running validator: `npx hardhat run contracts/script/hardhat-compat.ts
// --network kairos` (hardhat-viem) compiles, deploys CompatCounter, writes and reads it, and prints
// what it saw. Hardhat compiles with solc-js (WASM), so a cold run takes about a minute.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAIN_ID, type RunningNode, rpc, startSingleNode } from "./helpers/single-node.js";

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const hardhat = path.join(root, "node_modules/hardhat/dist/src/cli.js");
const MINUTES = 60_000;
const DEV0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

interface CompatOutput {
  chainId: number;
  deployer: string;
  address: string;
  owner: string;
  deployedCount: string;
  count: string;
  sum: string;
  setStatus: string;
  events: { by: string; count: string }[];
  codeBytes: number;
}

describe("Hardhat 3 (hardhat-viem) against a running validator", () => {
  let node: RunningNode;

  beforeAll(async () => {
    node = await startSingleNode();
  });

  afterAll(async () => {
    await node?.stop();
  });

  it(
    "hardhat run --network kairos deploys a contract, writes to it and reads it back",
    async () => {
      const { stdout } = await exec(
        process.execPath,
        [hardhat, "run", "contracts/script/hardhat-compat.ts", "--network", "kairos"],
        { cwd: root, env: { ...process.env, RPC_URL: node.url }, maxBuffer: 64 << 20 },
      );
      const line = stdout
        .trim()
        .split("\n")
        .findLast((l) => l.startsWith("{"));
      expect(line).toBeDefined();
      const out = JSON.parse(line ?? "{}") as CompatOutput;

      expect(out.chainId).toBe(CHAIN_ID);
      expect(out.deployer.toLowerCase()).toBe(DEV0.toLowerCase());
      expect(out.owner.toLowerCase()).toBe(DEV0.toLowerCase());
      expect(out.deployedCount).toBe("42");
      expect(out.setStatus).toBe("success");
      expect(out.count).toBe("7");
      expect(out.sum).toBe("5");
      expect(out.events).toEqual([{ by: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/), count: "7" }]);
      expect(out.events[0]?.by.toLowerCase()).toBe(DEV0.toLowerCase());
      expect(out.codeBytes).toBeGreaterThan(0);

      // The node, asked directly, agrees: the contract is there and holds the value Hardhat wrote.
      const code = await rpc<string>(node.url, "eth_getCode", [out.address, "latest"]);
      expect((code.result ?? "0x").length).toBe(2 + 2 * out.codeBytes);
      const count = await rpc<string>(node.url, "eth_call", [
        { to: out.address, data: "0x06661abd" }, // count()
        "latest",
      ]);
      expect(BigInt(count.result ?? "0x0")).toBe(7n);
    },
    10 * MINUTES,
  );
});
