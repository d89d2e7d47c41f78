/**
 * `kairos start` (`npm start`): a devnet of n validators on this machine, one process each, with its
 * own LevelDB under the data directory. Validator 0's JSON-RPC is on the given port (8545), validator
 * i's on port + i. Ctrl-C stops them all cleanly; a second start continues the same chain.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { devnetGenesis } from "./devnet-genesis.js";
import { writeLocalnet } from "./localnet-configs.js";

export interface DevnetOptions {
  validators: number;
  reset: boolean;
  dataDir: string;
  rpcPort: number;
}

const CLI_ENTRY = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
const DEVNET_GENESIS = fileURLToPath(new URL("../../genesis/devnet.json", import.meta.url));

export async function runDevnet(options: DevnetOptions): Promise<void> {
  const dir = resolve(options.dataDir, `devnet-${options.validators}`);
  if (options.reset) await rm(dir, { recursive: true, force: true });
  const genesisFile = await devnetGenesisFile(options.validators, dir);
  const configs = await writeLocalnet({
    dir,
    validators: options.validators,
    genesisFile,
    ports: { rpc: options.rpcPort, p2p: 30_300, metrics: 9_464 },
  });
  console.log(`Kairos devnet: ${options.validators} validator(s), data in ${dir}`);
  console.log(`JSON-RPC: http://127.0.0.1:${options.rpcPort} (validator i: port ${options.rpcPort} + i)`);

  const children = configs.map((config) => startValidator(config));
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on("SIGINT", () => stopAll("SIGINT"));
  process.on("SIGTERM", () => stopAll("SIGTERM"));
  const exits = children.map(
    (child, i) =>
      new Promise<number>((done) =>
        child.on("exit", (code) => {
          if (!stopping) {
            console.error(`validator ${i} exited with code ${code}; stopping the devnet`);
            stopAll("SIGTERM");
          }
          done(code ?? 1);
        }),
      ),
  );
  const codes = await Promise.all(exits);
  process.exitCode = codes.every((code) => code === 0) ? 0 : 1;
}

/** The committed genesis for the standard 6-validator devnet; a generated one for other sizes. */
async function devnetGenesisFile(validators: number, dir: string): Promise<string> {
  if (validators === 6) return DEVNET_GENESIS;
  const file = join(dir, "genesis.json");
  const { mkdir } = await import("node:fs/promises");
  await mkdir(dir, { recursive: true });
  await writeFile(file, `${JSON.stringify(await devnetGenesis(validators), null, 2)}\n`);
  return file;
}

function startValidator(configFile: string): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", CLI_ENTRY, "node", "--config", configFile], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, KAIROS_EXIT_WITH_PARENT: "1" },
  });
}
