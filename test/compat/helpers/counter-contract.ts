/** A tiny contract compiled with solc-js (node_modules/solc) for the compat flows: state, events, reverts. */
import { createRequire } from "node:module";
import type { Abi, Hex } from "viem";

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract Counter {
    uint256 public count;
    event Incremented(address indexed by, uint256 count);
    error TooLarge(uint256 value);

    constructor(uint256 start) { count = start; }

    function increment() external returns (uint256) {
        count += 1;
        emit Incremented(msg.sender, count);
        return count;
    }

    function add(uint256 value) external returns (uint256) {
        if (value > 1000) revert TooLarge(value);
        require(value != 13, "unlucky number");
        count += value;
        emit Incremented(msg.sender, count);
        return count;
    }
}
`;

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

export interface CompiledContract {
  readonly abi: Abi;
  readonly bytecode: Hex;
}

let compiled: CompiledContract | undefined;

export function counterContract(): CompiledContract {
  if (compiled !== undefined) return compiled;
  const solc = createRequire(import.meta.url)("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { "Counter.sol": { content: SOURCE } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const contract = output.contracts["Counter.sol"].Counter;
  compiled = { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` };
  return compiled;
}
