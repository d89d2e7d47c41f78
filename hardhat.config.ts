// Hardhat 3, offline: the compiler is solc-js's WASM build (a non-binary `path` is loaded as WASM),
// so nothing is downloaded. Sources are contracts/; Hardhat's own test folders are kept apart from
// the vitest suites under test/ (vitest includes only test/**/*.test.ts).
import path from "node:path";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import type { HardhatUserConfig } from "hardhat/config";

// Dev key 0 of the mnemonic `test test … junk`, funded in genesis/devnet.json. Never use it elsewhere.
const DEV_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const config: HardhatUserConfig = {
  plugins: [hardhatViem],
  paths: {
    sources: "contracts",
    tests: { solidity: "contracts/test" },
    cache: "cache/hardhat",
    artifacts: "artifacts",
  },
  solidity: {
    version: "0.8.37",
    path: path.resolve(import.meta.dirname, "node_modules/solc/soljson.js"),
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "prague" },
  },
  networks: {
    kairos: {
      type: "http",
      chainType: "l1",
      chainId: 1262569810,
      url: process.env.RPC_URL ?? "http://127.0.0.1:8545",
      accounts: [DEV_KEY_0],
    },
  },
};

export default config;
