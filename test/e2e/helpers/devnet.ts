/**
 * A devnet of real validator processes for end-to-end tests: `kairos node` per validator (real libp2p on
 * 127.0.0.1, real LevelDB, BLS), on free ports, in a temporary directory. Every process it starts it
 * stops (by PID) in `stop()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { devnetGenesis } from "../../../src/node/devnet-genesis.js";
import { type LocalnetPorts, writeLocalnet } from "../../../src/node/localnet-configs.js";
import { createChainStorage, LevelStore } from "../../../src/storage/index.js";
import { freePortRange } from "./ports.js";

const CLI = fileURLToPath(new URL("../../../src/cli/main.ts", import.meta.url));

export interface DevnetOptions {
  validators: number;
  emptyBlockIntervalMs?: number;
  viewTimeoutMs?: number;
}

export class TestDevnet {
  private readonly processes: (ChildProcess | undefined)[];
  readonly logs: string[][];

  private constructor(
    readonly dir: string,
    readonly configs: string[],
    readonly ports: LocalnetPorts,
  ) {
    this.processes = configs.map(() => undefined);
    this.logs = configs.map(() => []);
  }

  static async create(options: DevnetOptions): Promise<TestDevnet> {
    const dir = await mkdtemp(join(tmpdir(), "kairos-devnet-"));
    const genesisFile = join(dir, "genesis.json");
    await writeFile(genesisFile, JSON.stringify(await devnetGenesis(options.validators)));
    // One block of 3n ports, split three ways, so that the RPC, p2p and metrics ranges never overlap.
    const base = await freePortRange(3 * options.validators);
    const ports = { rpc: base, p2p: base + options.validators, metrics: base + 2 * options.validators };
    const configs = await writeLocalnet({
      dir,
      validators: options.validators,
      genesisFile,
      ports,
      leadLogLevel: "warn",
      emptyBlockIntervalMs: options.emptyBlockIntervalMs ?? 300,
      viewTimeoutMs: options.viewTimeoutMs ?? 2_000,
    });
    return new TestDevnet(dir, configs, ports);
  }

  get size(): number {
    return this.configs.length;
  }

  startAll(): void {
    for (let i = 0; i < this.size; i++) this.start(i);
  }

  /** Starts validator i as `kairos node`, or with `harness` (a script taking the config path) instead. */
  start(i: number, harness?: string): void {
    if (this.isRunning(i)) throw new Error(`validator ${i} is running`);
    const args =
      harness === undefined ? [CLI, "node", "--config", this.configs[i]] : [harness, this.configs[i]];
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log = this.logs[i];
    child.stdout?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    this.processes[i] = child;
  }

  /** Sends a signal (SIGKILL for a crash) and waits until the process is gone. */
  async kill(i: number, signal: NodeJS.Signals = "SIGKILL"): Promise<number | null> {
    const child = this.processes[i];
    if (child === undefined || child.exitCode !== null || child.signalCode !== null)
      return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }

  isRunning(i: number): boolean {
    const child = this.processes[i];
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** A gauge or counter from validator i's /metrics, or undefined while it is not serving. */
  async metric(i: number, name: string): Promise<number | undefined> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.ports.metrics + i}/metrics`);
      const text = await response.text();
      let total: number | undefined;
      for (const line of text.split("\n")) {
        if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
          total = (total ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
        }
      }
      return total;
    } catch {
      return undefined;
    }
  }

  finalizedHeight(i: number): Promise<number | undefined> {
    return this.metric(i, "kairos_chain_finalized_height");
  }

  /** Waits until every listed validator has finalized at least `height`. */
  async waitForHeight(height: number, validators: number[], timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const heights = await Promise.all(validators.map((i) => this.finalizedHeight(i)));
      if (heights.every((h) => h !== undefined && h >= height)) return;
      if (Date.now() > deadline) {
        throw new Error(
          `validators ${validators} did not reach height ${height}: ${JSON.stringify(heights)}\n${this.tail()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The last lines each validator printed, for failure messages. */
  tail(lines = 8): string {
    return this.logs
      .map((log, i) => `--- validator ${i}\n${log.join("").split("\n").slice(-lines).join("\n")}`)
      .join("\n");
  }

  dbPath(i: number): string {
    return join(this.dir, `node${i}`, "db");
  }

  /** Final block hashes at heights 0 … upTo from validator i's LevelDB ("missing" for a gap). Stopped validators only. */
  async finalHashes(i: number, upTo: number): Promise<string[]> {
    const store = await LevelStore.open(this.dbPath(i));
    try {
      const storage = createChainStorage(store);
      const hashes: string[] = [];
      for (let height = 0; height <= upTo; height++) {
        hashes.push((await storage.blocks.hashAt(BigInt(height))) ?? "missing");
      }
      return hashes;
    } finally {
      await store.close();
    }
  }

  /** Stops every validator gracefully (SIGTERM), then deletes the directory unless `keep`. */
  async stop(options: { keep?: boolean } = {}): Promise<void> {
    await Promise.all(this.processes.map((_, i) => this.kill(i, "SIGTERM")));
    if (!options.keep) await rm(this.dir, { recursive: true, force: true });
  }
}
