// The Solidity toolchain works offline: forge (through the solc-js shim) and Hardhat 3 (solc-js WASM)
// both compile contracts/, and the Foundry suite (unit, fuzz and invariant tests) passes. This is how
// `npm test` runs the contracts' own tests.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const forge = path.join(root, "node_modules/@foundry-rs/forge-linux-amd64/bin/forge");
const hardhat = path.join(root, "node_modules/hardhat/dist/src/cli.js");
// The solc shim is a `#!/usr/bin/env node` script: put this Node (22) first on its PATH.
const env = {
  ...process.env,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`,
};
const MINUTES = 60_000;

interface Artifact {
  abi: { type: string; name?: string }[];
}

function abiNames(file: string): string[] {
  const artifact = JSON.parse(readFileSync(file, "utf8")) as Artifact;
  return artifact.abi.filter((e) => e.type === "function").map((e) => e.name ?? "");
}

const ADJUDICATOR_FUNCTIONS = [
  "deposit",
  "depositToken",
  "close",
  "challenge",
  "respond",
  "settle",
  "claim",
  "holdings",
  "totalDeposited",
  "challengeOf",
  "claimable",
  "channelId",
];

describe("Solidity toolchain (offline)", () => {
  it(
    "forge build compiles the contracts with solc-js",
    async () => {
      const { stdout } = await run(forge, ["build"], { cwd: root, env, maxBuffer: 64 << 20 });
      expect(stdout).not.toMatch(/error/i);
      const adjudicator = path.join(root, "out/ChannelAdjudicator.sol/ChannelAdjudicator.json");
      expect(abiNames(adjudicator)).toEqual(expect.arrayContaining(ADJUDICATOR_FUNCTIONS));
      const usdc = path.join(root, "out/USDC.sol/USDC.json");
      expect(abiNames(usdc)).toEqual(
        expect.arrayContaining(["transfer", "transferFrom", "approve", "allowance", "balanceOf", "permit"]),
      );
    },
    10 * MINUTES,
  );

  it(
    "forge test passes the unit, fuzz and invariant suites",
    async () => {
      const { stdout } = await run(forge, ["test"], {
        cwd: root,
        env,
        maxBuffer: 64 << 20,
      });
      expect(stdout).toMatch(/Ran \d+ test suites?.* 0 failed/);
      expect(stdout).toContain("invariant_fundsAccountedFor");
      expect(stdout).toContain("invariant_nobodyUnderpaid");
      expect(stdout).toContain("invariant_noChannelSettlesTwice");
      expect(stdout).toContain("testFuzz_closePaysStatePlusTopUps");
      expect(stdout).not.toMatch(/\[FAIL/);
    },
    10 * MINUTES,
  );

  it(
    "hardhat compile compiles the contracts with solc-js's WASM build",
    async () => {
      await run(process.execPath, [hardhat, "compile"], { cwd: root, env, maxBuffer: 64 << 20 });
      const adjudicator = path.join(
        root,
        "artifacts/contracts/ChannelAdjudicator.sol/ChannelAdjudicator.json",
      );
      expect(existsSync(adjudicator)).toBe(true);
      expect(abiNames(adjudicator)).toEqual(expect.arrayContaining(ADJUDICATOR_FUNCTIONS));
    },
    10 * MINUTES,
  );
});
