/** Compiles BenchToken.sol with solc-js (offline) and lays out its balances for a genesis alloc. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { encodeAbiParameters, type Hex, keccak256 } from "viem";

interface SolcOutput {
  contracts: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>>;
  errors?: { severity: string; formattedMessage: string }[];
}

export function compileBenchToken(): Hex {
  const require = createRequire(import.meta.url);
  const solc = require("solc") as { compile(input: string): string };
  const source = readFileSync(new URL("./BenchToken.sol", import.meta.url), "utf8");
  const input = {
    language: "Solidity",
    sources: { "BenchToken.sol": { content: source } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["evm.deployedBytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return `0x${output.contracts["BenchToken.sol"].BenchToken.evm.deployedBytecode.object}`;
}

/** Storage slot of `balanceOf[holder]` (mapping at slot 0). */
export function balanceSlot(holder: Hex): Hex {
  return keccak256(encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [holder, 0n]));
}
