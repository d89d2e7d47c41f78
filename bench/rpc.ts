/**
 * JSON-RPC throughput, Kairos side by side with anvil, in one run, with the same client and concurrency.
 *
 *   tsx bench/rpc.ts [--seconds 5] [--concurrency 32] [--blocks 1000] [--senders 200] [--per-sender 50]
 *                    [--profile DIR]   (the node's --cpu-prof output goes to DIR)
 *                    [--only balance,call,logs,send]   (a subset of the measurements)
 *
 * Both servers are started here on free ports of 127.0.0.1 and stopped at the end: anvil (the binary
 * from @foundry-rs/anvil, chain ID = Kairos's) and one Kairos validator (n = 1, real LevelDB, libp2p,
 * BLS, Minimmit) in a child process of this script (`--serve-node`), so that the load generator does
 * not share the node's event loop. The client is node:http with a keep-alive agent of `concurrency`
 * sockets; `concurrency` workers each keep one request in flight for a fixed time.
 *
 * Measured, on both:
 * - eth_getBalance of a dev account at latest;
 * - eth_call of ERC-20 balanceOf on the USDC token (contracts/build/USDC.json runtime code: Kairos has it
 *   in genesis at 0x3600…, anvil gets the same code there with anvil_setCode);
 * - eth_getLogs by address over the blocks of `blocks` transactions that each emit one log (one per
 *   block on anvil; Kairos may put empty blocks between them, so its range can be longer);
 * - eth_sendRawTransaction of pre-signed transfers from `senders` fresh accounts (funded first),
 *   `per-sender` nonces each: accepted per second and the share accepted.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  type Address,
  encodeFunctionData,
  type Hex,
  hexToBigInt,
  keccak256,
  numberToHex,
  parseAbi,
  serializeTransaction,
  type TransactionSerializableEIP1559,
} from "viem";
import { privateKeyToAccount, privateKeyToAddress } from "viem/accounts";
import { freePort } from "../test/e2e/helpers/ports.js";

const CHAIN_ID = 1262569810;
const ROOT = path.resolve(import.meta.dirname, "..");
const ANVIL = path.join(ROOT, "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
const USDC_ADDRESS: Address = "0x3600000000000000000000000000000000000000";
/** Dev accounts 0 and 1 of `test … junk`, funded on both chains. */
const DEV_KEYS: Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
];
const GWEI = 1_000_000_000n;
const MAX_FEE = 100n * GWEI;
const TIP = GWEI;
/**
 * Init code of a contract whose runtime emits LOG1(topic = caller, data = calldata word 0) and stops:
 * runtime 600035 600052 33 6020 6000 a1 00, copied out by 600d 80 600b 6000 39 6000 f3.
 */
const LOGGER_INIT: Hex = "0x600d80600b6000396000f36000356000523360206000a100";

interface NativeSecp256k1 {
  ecdsaSign(message: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
}
const require = createRequire(import.meta.url);
const secp256k1 = require("secp256k1/bindings") as NativeSecp256k1;

// ---------------------------------------------------------------------------------------------------
// The Kairos node, when this file runs as its child process.

async function serveNode(): Promise<void> {
  const { defaultConfig } = await import("../src/config/index.js");
  const { devnetValidatorKeys } = await import("../src/crypto/keyFiles.js");
  const { parseGenesis } = await import("../src/execution/genesis.js");
  const { devnetGenesis } = await import("../src/node/devnet-genesis.js");
  const { createLogger } = await import("../src/node/logger.js");
  const { ValidatorNode } = await import("../src/node/validator-node.js");
  const dir = await mkdtemp(path.join(os.tmpdir(), "kairos-bench-rpc-"));
  const base = defaultConfig();
  const config = {
    ...base,
    // A leader with transactions proposes at once; without, it waits: one block per sent transaction.
    consensus: { ...base.consensus, n: 1, f: 0, emptyBlockIntervalMs: 2_000, viewTimeoutMs: 4_000 },
    storage: { path: path.join(dir, "db") },
    p2p: { ...base.p2p, port: await freePort() },
    rpc: { ...base.rpc, host: "127.0.0.1", port: await freePort() },
    mempool: { ...base.mempool, maxCount: 200_000, maxBytes: 256 * 1024 * 1024 },
    metrics: { ...base.metrics, enabled: false },
    logging: { level: "silent" as const, pretty: false },
  };
  const node = await ValidatorNode.open({
    config,
    genesis: parseGenesis(await devnetGenesis(1)),
    keys: await devnetValidatorKeys(0),
    logger: createLogger(config.logging),
  });
  const url = node.rpc?.url;
  if (url === undefined) throw new Error("the validator started no JSON-RPC server");
  process.stdout.write(`URL ${url}\n`);
  const stop = async () => {
    await node.close();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

// ---------------------------------------------------------------------------------------------------
// Servers

interface Server {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Mines one block with whatever is pending (anvil), or waits for the node to (Kairos). */
  readonly kind: "kairos" | "anvil";
}

async function startAnvil(): Promise<Server> {
  const port = await freePort();
  const child = spawn(
    ANVIL,
    [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--chain-id",
      String(CHAIN_ID),
      "--silent",
      "--hardfork",
      "prague",
    ],
    { stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await call(url, "eth_chainId", []);
      return { name: "anvil 1.7.1", url, child, kind: "anvil" };
    } catch {
      await sleep(100);
    }
  }
  child.kill();
  throw new Error("anvil did not start");
}

async function startKairos(): Promise<Server> {
  const profile = profileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`];
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...profile, import.meta.filename, "--serve-node"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let buffered = "";
  child.stdout?.setEncoding("utf8");
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the node exited (${code})`)));
    child.stdout?.on("data", (chunk: string) => {
      buffered += chunk;
      const match = /URL (\S+)\n/.exec(buffered);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
  });
  return { name: "Kairos (n=1)", url, child, kind: "kairos" };
}

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = once(server.child, "exit");
  server.child.kill("SIGTERM");
  await exited;
}

// ---------------------------------------------------------------------------------------------------
// Client: keep-alive HTTP, one agent per server, shared by setup and measurement.

const agents = new Map<string, http.Agent>();

function agentFor(url: string, sockets: number): http.Agent {
  let agent = agents.get(url);
  if (agent === undefined) {
    agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
    agents.set(url, agent);
  }
  return agent;
}

let concurrency = 32;
/** Where the node child writes a CPU profile (`--profile DIR`), to see where its time goes. */
let profileDir: string | undefined;

function post(url: string, body: string): Promise<string> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        agent: agentFor(url, concurrency),
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

interface RpcReply {
  result?: unknown;
  error?: { code: number; message: string };
}

async function call<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const reply = JSON.parse(
    await post(url, JSON.stringify({ jsonrpc: "2.0", id: 1, method, params })),
  ) as RpcReply;
  if (reply.error !== undefined) throw new Error(`${method}: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// Transactions, signed natively (set-up, not what is measured).

function sign(tx: TransactionSerializableEIP1559, key: Hex): Hex {
  const digest = keccak256(serializeTransaction(tx));
  const { signature, recid } = secp256k1.ecdsaSign(
    Buffer.from(digest.slice(2), "hex"),
    Buffer.from(key.slice(2), "hex"),
  );
  const r = `0x${Buffer.from(signature.subarray(0, 32)).toString("hex")}` as Hex;
  const s = `0x${Buffer.from(signature.subarray(32, 64)).toString("hex")}` as Hex;
  return serializeTransaction(tx, { r, s, yParity: recid });
}

function tx(nonce: number, fields: Partial<TransactionSerializableEIP1559>): TransactionSerializableEIP1559 {
  return {
    type: "eip1559",
    chainId: CHAIN_ID,
    nonce,
    maxFeePerGas: MAX_FEE,
    maxPriorityFeePerGas: TIP,
    gas: 100_000n,
    ...fields,
  };
}

async function receipt(
  server: Server,
  hash: Hex,
): Promise<{ status: Hex; blockNumber: Hex; contractAddress: Address | null }> {
  for (;;) {
    const found = await call<{ status: Hex; blockNumber: Hex; contractAddress: Address | null } | null>(
      server.url,
      "eth_getTransactionReceipt",
      [hash],
    );
    if (found !== null) return found;
    await sleep(2);
  }
}

async function send(server: Server, raw: Hex): Promise<Hex> {
  return call<Hex>(server.url, "eth_sendRawTransaction", [raw]);
}

interface Prepared {
  logger: Address;
  fromBlock: bigint;
  toBlock: bigint;
  logs: number;
  senders: Hex[];
}

async function prepare(server: Server, blocks: number, senderCount: number): Promise<Prepared> {
  if (server.kind === "anvil") {
    const usdc = JSON.parse(readFileSync(path.join(ROOT, "contracts/build/USDC.json"), "utf8")) as {
      deployedBytecode: Hex | { object: Hex };
    };
    const code =
      typeof usdc.deployedBytecode === "string" ? usdc.deployedBytecode : usdc.deployedBytecode.object;
    await call(server.url, "anvil_setCode", [USDC_ADDRESS, code]);
  }
  const dev = privateKeyToAccount(DEV_KEYS[0] as Hex);
  let nonce = Number(await call<Hex>(server.url, "eth_getTransactionCount", [dev.address, "latest"]));

  // The logger contract, then one log-emitting transaction per block, each waited for.
  const deployed = await receipt(
    server,
    await send(server, sign(tx(nonce++, { data: LOGGER_INIT }), DEV_KEYS[0] as Hex)),
  );
  const logger = deployed.contractAddress;
  if (logger === null) throw new Error("logger not deployed");
  let fromBlock = -1n;
  let toBlock = 0n;
  for (let i = 0; i < blocks; i++) {
    const data = numberToHex(i, { size: 32 });
    const mined = await receipt(
      server,
      await send(server, sign(tx(nonce++, { to: logger, data }), DEV_KEYS[0] as Hex)),
    );
    if (fromBlock < 0n) fromBlock = hexToBigInt(mined.blockNumber);
    toBlock = hexToBigInt(mined.blockNumber);
  }
  // The range spans the logging transactions, so that both servers answer the same `blocks` logs
  // (Kairos may add empty blocks between them).
  const logs = (
    await call<unknown[]>(server.url, "eth_getLogs", [
      { address: logger, fromBlock: numberToHex(fromBlock), toBlock: numberToHex(toBlock) },
    ])
  ).length;

  // Fresh senders, funded from dev account 1 in one burst, then waited for.
  const funder = DEV_KEYS[1] as Hex;
  const funderAddress = privateKeyToAddress(funder);
  let funderNonce = Number(await call<Hex>(server.url, "eth_getTransactionCount", [funderAddress, "latest"]));
  const senders = Array.from({ length: senderCount }, (_, i) => numberToHex(0xbe0000 + i, { size: 32 }));
  const hashes: Hex[] = [];
  for (const key of senders) {
    const raw = sign(
      tx(funderNonce++, { to: privateKeyToAddress(key), value: 10n ** 18n, gas: 21_000n }),
      funder,
    );
    hashes.push(await send(server, raw));
  }
  for (const hash of hashes) await receipt(server, hash);
  return { logger, fromBlock, toBlock, logs, senders };
}

function presignTransfers(senders: Hex[], perSender: number): string[] {
  const bodies: string[] = [];
  // Interleaved by nonce, so that every sender's next nonce arrives in order.
  for (let nonce = 0; nonce < perSender; nonce++) {
    for (const key of senders) {
      const raw = sign(
        tx(nonce, { to: "0x000000000000000000000000000000000000dEaD", value: 1n, gas: 21_000n }),
        key,
      );
      bodies.push(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_sendRawTransaction", params: [raw] }));
    }
  }
  return bodies;
}

// ---------------------------------------------------------------------------------------------------
// Load

interface Load {
  requests: number;
  errors: number;
  seconds: number;
  /** Median request latency under the load, ms. */
  p50: number;
  /** CPU time the server process spent per request, µs (all its threads; NaN off Linux). */
  cpuPerCall: number;
  firstError?: string;
}

/**
 * CPU time (user + system, all threads) a process has used, ms, from /proc. The machine is shared and
 * noisy: a server's CPU per call is a steadier figure than its rate, which other processes move.
 */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ = 100
  } catch {
    return Number.NaN;
  }
}

/** `concurrency` workers, each with one request in flight, for `seconds` (or until `bodies` run out). */
async function load(server: Server, next: () => string | undefined, seconds: number): Promise<Load> {
  const url = server.url;
  const cpuBefore = cpuMs(server.child.pid);
  const started = performance.now();
  const deadline = started + seconds * 1_000;
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  const latencies: number[] = [];
  const worker = async () => {
    for (;;) {
      if (performance.now() >= deadline) return;
      const body = next();
      if (body === undefined) return;
      const sent = performance.now();
      const reply = JSON.parse(await post(url, body)) as RpcReply;
      latencies.push(performance.now() - sent);
      requests++;
      if (reply.error !== undefined) {
        errors++;
        firstError ??= `${reply.error.code} ${reply.error.message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)] ?? 0;
  const cpuPerCall = ((cpuMs(server.child.pid) - cpuBefore) * 1000) / requests;
  return { requests, errors, seconds: (performance.now() - started) / 1_000, p50, cpuPerCall, firstError };
}

function repeat(body: string): () => string {
  return () => body;
}

// ---------------------------------------------------------------------------------------------------

/** A load's figures with the rate the row reports (requests or accepted transactions per second). */
type Measured = Load & { rate: number };

interface Row {
  what: string;
  unit: string;
  kairos: Measured | undefined;
  anvil: Measured | undefined;
  note: string;
}

/** Rates below 10 keep a decimal: a getLogs over 1,000 blocks can take seconds. */
const rate = (x: number) => (x < 10 ? x.toFixed(1) : String(Math.round(x)));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "5" },
      concurrency: { type: "string", default: "32" },
      blocks: { type: "string", default: "1000" },
      senders: { type: "string", default: "200" },
      "per-sender": { type: "string", default: "50" },
      profile: { type: "string" },
      only: { type: "string", default: "balance,call,logs,send" },
    },
  });
  const seconds = Number(values.seconds);
  concurrency = Number(values.concurrency);
  const blocks = Number(values.blocks);
  const senderCount = Number(values.senders);
  const perSender = Number(values["per-sender"]);
  profileDir = values.profile === undefined ? undefined : path.resolve(values.profile);
  const only = new Set(values.only.split(","));

  const servers = [await startKairos(), await startAnvil()];
  try {
    const prepared = new Map<Server, Prepared>();
    for (const server of servers) {
      const started = performance.now();
      prepared.set(server, await prepare(server, blocks, senderCount));
      const p = prepared.get(server);
      console.error(
        `${server.name}: set up in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
          `${p?.logs} logs in blocks ${p?.fromBlock}..${p?.toBlock}`,
      );
    }

    const dev0 = privateKeyToAddress(DEV_KEYS[0] as Hex);
    const balanceOf = encodeFunctionData({
      abi: parseAbi(["function balanceOf(address) view returns (uint256)"]),
      args: [dev0],
    });
    const body = (method: string, params: unknown[]) =>
      JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
    const reads: { key: string; what: string; body: (p: Prepared) => string }[] = [
      { key: "balance", what: "eth_getBalance", body: () => body("eth_getBalance", [dev0, "latest"]) },
      {
        key: "call",
        what: "eth_call balanceOf (ERC-20)",
        body: () => body("eth_call", [{ to: USDC_ADDRESS, data: balanceOf }, "latest"]),
      },
      {
        key: "logs",
        what: `eth_getLogs, ${blocks} logs by address`,
        body: (p) =>
          body("eth_getLogs", [
            { address: p.logger, fromBlock: numberToHex(p.fromBlock), toBlock: numberToHex(p.toBlock) },
          ]),
      },
    ];

    const rows: Row[] = [];
    for (const read of reads.filter((r) => only.has(r.key))) {
      const figures: Record<string, Measured> = {};
      for (const server of servers) {
        const p = prepared.get(server) as Prepared;
        const warm = repeat(read.body(p));
        await load(server, warm, 0.5);
        const result = await load(server, repeat(read.body(p)), seconds);
        figures[server.kind] = { ...result, rate: result.requests / result.seconds };
      }
      const errs = servers
        .filter((s) => (figures[s.kind]?.errors ?? 0) > 0)
        .map((s) => `${s.kind}: ${figures[s.kind]?.errors} errors (${figures[s.kind]?.firstError})`);
      rows.push({
        what: read.what,
        unit: "req/s",
        kairos: figures.kairos,
        anvil: figures.anvil,
        note: errs.join("; "),
      });
    }

    // Acceptance: every pre-signed transfer offered once, as fast as the server takes them.
    const accept: Record<string, Measured & { share: number }> = {};
    for (const server of only.has("send") ? servers : []) {
      const p = prepared.get(server) as Prepared;
      const bodies = presignTransfers(p.senders, perSender);
      let next = 0;
      const result = await load(server, () => bodies[next++], 600);
      const accepted = result.requests - result.errors;
      accept[server.kind] = { ...result, rate: accepted / result.seconds, share: accepted / bodies.length };
    }
    if (only.has("send"))
      rows.push({
        what: `eth_sendRawTransaction (${senderCount} senders × ${perSender})`,
        unit: "accepted/s",
        kairos: accept.kairos,
        anvil: accept.anvil,
        note: `accepted ${(100 * (accept.kairos?.share ?? 0)).toFixed(1)}% vs ${(100 * (accept.anvil?.share ?? 0)).toFixed(1)}%${
          accept.kairos?.firstError ? `; kairos: ${accept.kairos.firstError}` : ""
        }${accept.anvil?.firstError ? `; anvil: ${accept.anvil.firstError}` : ""}`,
      });

    const [load1, load5] = os.loadavg();
    console.log(
      `\nJSON-RPC throughput, concurrency ${concurrency}, ${seconds} s per read method; ` +
        `${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}, load ${load1?.toFixed(2)} / ${load5?.toFixed(2)}`,
    );
    console.log(
      "| method | unit | Kairos | anvil | Kairos / anvil | p50 ms Kairos / anvil | server CPU µs per call Kairos / anvil | note |",
    );
    console.log("|---|---|---:|---:|---:|---:|---:|---|");
    for (const { what, unit, kairos, anvil, note } of rows) {
      const k = kairos ?? { rate: 0, p50: 0, cpuPerCall: Number.NaN };
      const a = anvil ?? { rate: 0, p50: 0, cpuPerCall: Number.NaN };
      console.log(
        `| ${what} | ${unit} | ${rate(k.rate)} | ${rate(a.rate)} | ${(k.rate / a.rate).toFixed(3)} | ` +
          `${k.p50.toFixed(1)} / ${a.p50.toFixed(1)} | ${k.cpuPerCall.toFixed(0)} / ${a.cpuPerCall.toFixed(0)} | ${note} |`,
      );
    }
  } finally {
    for (const agent of agents.values()) agent.destroy();
    for (const server of servers) await stop(server);
  }
}

if (process.argv.includes("--serve-node")) {
  await serveNode();
} else {
  await main();
}
