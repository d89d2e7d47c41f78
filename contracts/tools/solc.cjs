#!/usr/bin/env node
// A `solc` binary for forge, backed by solc-js (WASM): forge cannot download native compilers here.
// Forge calls it as `solc --version` and `solc --standard-json [--base-path P] [--include-path P]... `
// with the standard-JSON input on stdin; imports resolve against the base and include paths.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const solc = require("solc");

const args = process.argv.slice(2);

if (args.includes("--version")) {
  // Forge parses the "Version:" line; solc-js reports e.g. "0.8.37+commit.f401782d.Emscripten.clang".
  const full = solc.version().replace(/\.Emscripten\.clang$/, ".Linux.g++");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${full}\n`);
  process.exit(0);
}

if (!args.includes("--standard-json")) {
  process.stderr.write("solc.cjs: only --version and --standard-json are supported\n");
  process.exit(1);
}

const roots = [];
for (let i = 0; i < args.length; i++) {
  if ((args[i] === "--base-path" || args[i] === "--include-path") && args[i + 1]) roots.push(args[++i]);
}
if (roots.length === 0) roots.push(process.cwd());

function findImport(importPath) {
  const candidates = path.isAbsolute(importPath)
    ? [importPath]
    : roots.map((r) => path.resolve(r, importPath));
  for (const file of candidates) {
    if (fs.existsSync(file)) return { contents: fs.readFileSync(file, "utf8") };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
}

const input = fs.readFileSync(0, "utf8");
process.stdout.write(solc.compile(input, { import: findImport }));
