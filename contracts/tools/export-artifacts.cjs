#!/usr/bin/env node
// Copies the ABI and bytecode of the deployable contracts from forge's out/ into contracts/build/, the
// committed artifacts other parts of Kairos read (genesis installs USDC's runtime code; scripts deploy
// the adjudicator). Run after changing a contract: `forge build && node contracts/tools/export-artifacts.cjs`.
// test/contracts/toolchain.test.ts fails when the committed files drift from a fresh build.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "../..");
const CONTRACTS = ["USDC", "ChannelAdjudicator"];

function exported(name) {
  const forgeArtifact = JSON.parse(
    fs.readFileSync(path.join(root, "out", `${name}.sol`, `${name}.json`), "utf8"),
  );
  return {
    contractName: name,
    sourceName: `contracts/${name}.sol`,
    compiler: "solc-js 0.8.37+commit.f401782d, optimizer 200 runs, evm prague (forge 1.7.1)",
    abi: forgeArtifact.abi,
    bytecode: forgeArtifact.bytecode.object,
    deployedBytecode: forgeArtifact.deployedBytecode.object,
  };
}

function render(name) {
  return `${JSON.stringify(exported(name), null, 2)}\n`;
}

module.exports = { CONTRACTS, render };

if (require.main === module) {
  fs.mkdirSync(path.join(root, "contracts/build"), { recursive: true });
  for (const name of CONTRACTS) {
    fs.writeFileSync(path.join(root, "contracts/build", `${name}.json`), render(name));
    process.stdout.write(`contracts/build/${name}.json\n`);
  }
}
