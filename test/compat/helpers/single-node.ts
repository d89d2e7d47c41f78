/**
 * One validator in this process with its JSON-RPC server, on free ports, in a temporary directory:
 * what every compat test talks to. `stop()` closes the node (RPC first) and deletes the directory.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, type KairosConfig } from "../../../src/config/index.js";
import { devnetValidatorKeys } from "../../../src/crypto/keyFiles.js";
import { parseGenesis } from "../../../src/execution/genesis.js";
import { devnetGenesis } from "../../../src/node/devnet-genesis.js";
import { createLogger } from "../../../src/node/logger.js";
import { ValidatorNode } from "../../../src/node/validator-node.js";
import { freePort } from "../../e2e/helpers/ports.js";

export const CHAIN_ID = 1262569810;
/** Dev accounts 0 and 1 of the mnemonic test … junk (funded in the devnet genesis). */
export const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
] as const;

export interface RunningNode {
  readonly node: ValidatorNode;
  readonly url: string;
  readonly wsUrl: string;
  readonly dir: string;
  /** Closes the node; deletes its directory unless `keep` (to reopen it with `startSingleNode(dir)`). */
  stop(options?: { keep?: boolean }): Promise<void>;
}

export async function startSingleNode(existingDir?: string): Promise<RunningNode> {
  const dir = existingDir ?? (await mkdtemp(join(tmpdir(), "kairos-compat-")));
  const base = defaultConfig();
  const config: KairosConfig = {
    ...base,
    consensus: { ...base.consensus, n: 1, f: 0, emptyBlockIntervalMs: 100, viewTimeoutMs: 2_000 },
    storage: { path: join(dir, "db") },
    p2p: { ...base.p2p, port: await freePort() },
    rpc: { ...base.rpc, host: "127.0.0.1", port: await freePort() },
    logging: { level: "silent", pretty: false },
  };
  const genesis = parseGenesis(await devnetGenesis(1));
  const keys = await devnetValidatorKeys(0);
  const node = await ValidatorNode.open({ config, genesis, keys, logger: createLogger(config.logging) });
  const address = node.rpc;
  if (address === undefined) throw new Error("the validator started no JSON-RPC server");
  return {
    node,
    url: address.url,
    wsUrl: address.wsUrl,
    dir,
    stop: async (options = {}) => {
      await node.close();
      if (!options.keep) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A raw JSON-RPC call over HTTP, as a wallet makes it. */
export async function rpc<T = unknown>(
  url: string,
  method: string,
  params: unknown[] = [],
): Promise<{ result?: T; error?: { code: number; message: string; data?: unknown } }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as { result?: T; error?: { code: number; message: string; data?: unknown } };
}
