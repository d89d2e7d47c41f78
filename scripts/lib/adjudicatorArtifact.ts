/**
 * Compiles contracts/ChannelAdjudicator.sol with solc-js (the WASM compiler in node_modules: no download)
 * and caches the ABI and bytecode under node_modules/.cache, keyed by the source's hash.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { Abi, Hex } from "viem";

const root = resolve(import.meta.dirname, "../..");
const require = createRequire(import.meta.url);

export interface Artifact {
  abi: Abi;
  bytecode: Hex;
}

interface SolcOutput {
  errors?: Array<{ severity: string; formattedMessage: string }>;
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

function findImport(path: string): { contents: string } | { error: string } {
  for (const base of [join(root, "node_modules"), join(root, "contracts"), root]) {
    const file = join(base, path);
    if (existsSync(file)) return { contents: readFileSync(file, "utf8") };
  }
  return { error: `not found: ${path}` };
}

/** The adjudicator's ABI and creation bytecode, compiled as foundry.toml / hardhat.config.ts do. */
export function adjudicatorArtifact(): Artifact {
  const sourcePath = join(root, "contracts/ChannelAdjudicator.sol");
  const source = readFileSync(sourcePath, "utf8");
  const settings = {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "prague",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
  };
  const hash = createHash("sha256")
    .update(source)
    .update(JSON.stringify(settings))
    .digest("hex")
    .slice(0, 16);
  const cache = join(root, "node_modules/.cache/kairos-channels", `ChannelAdjudicator-${hash}.json`);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, "utf8")) as Artifact;

  const solc = require("solc") as { compile(input: string, options: { import: typeof findImport }): string };
  const input = {
    language: "Solidity",
    sources: { "ChannelAdjudicator.sol": { content: source } },
    settings,
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const contract = output.contracts["ChannelAdjudicator.sol"].ChannelAdjudicator;
  const artifact: Artifact = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  mkdirSync(dirname(cache), { recursive: true });
  writeFileSync(cache, JSON.stringify(artifact));
  return artifact;
}
