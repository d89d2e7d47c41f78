/** Compiles IngestToken.sol with solc-js (offline) and encodes its deployment and transfers. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Address, encodeAbiParameters, encodeFunctionData, type Hex, parseAbi } from "viem";

interface SolcOutput {
  contracts: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
  errors?: { severity: string; formattedMessage: string }[];
}

const abi = parseAbi(["function transfer(address to, uint256 value) returns (bool)"]);

/** Init code that deploys the token with `supply` credited to the deployer. */
export function tokenDeployment(supply: bigint): Hex {
  const require = createRequire(import.meta.url);
  const solc = require("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: {
      "IngestToken.sol": { content: readFileSync(new URL("./IngestToken.sol", import.meta.url), "utf8") },
    },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const code = output.contracts["IngestToken.sol"].IngestToken.evm.bytecode.object;
  return `0x${code}${encodeAbiParameters([{ type: "uint256" }], [supply]).slice(2)}`;
}

export function transferCall(to: Address, value: bigint): Hex {
  return encodeFunctionData({ abi, functionName: "transfer", args: [to, value] });
}
