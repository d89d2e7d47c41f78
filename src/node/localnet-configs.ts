/**
 * Configuration files for n validators on one machine: `node0.toml` … with their own storage, ports and
 * deterministic devnet keys, each dialing the others. Used by `kairos start` and `kairos localnet`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { stringify } from "smol-toml";
import { KeyFileError } from "../crypto/errors.js";
import { devnetValidatorKeys, identityOf, writeKeyFiles } from "../crypto/keyFiles.js";

export interface LocalnetPorts {
  /** Validator i's JSON-RPC listens on rpc + i. */
  rpc: number;
  /** Validator i's libp2p listens on p2p + i. */
  p2p: number;
  /** Validator i's metrics listen on metrics + i. */
  metrics: number;
}

export interface LocalnetPlan {
  dir: string;
  validators: number;
  genesisFile: string;
  ports: LocalnetPorts;
  /** Log level of validator 0 (the one whose logs the devnet shows); the others log warnings only. */
  leadLogLevel?: string;
  emptyBlockIntervalMs?: number;
  viewTimeoutMs?: number;
}

/** Writes keys and configs; returns the config file paths, validator 0 first. */
export async function writeLocalnet(plan: LocalnetPlan): Promise<string[]> {
  const dir = resolve(plan.dir);
  await mkdir(dir, { recursive: true });
  const peers: string[] = [];
  for (let i = 0; i < plan.validators; i++) {
    const identity = identityOf(await devnetValidatorKeys(i));
    peers.push(`/ip4/127.0.0.1/tcp/${plan.ports.p2p + i}/p2p/${identity.peerId}`);
  }
  const files: string[] = [];
  for (let i = 0; i < plan.validators; i++) {
    const keysDir = join(dir, `node${i}`, "keys");
    try {
      await writeKeyFiles(keysDir, await devnetValidatorKeys(i));
    } catch (error) {
      // Keys from an earlier run are the same deterministic keys: keep them.
      if (!(error instanceof KeyFileError && error.code === "KEY_FILE_EXISTS")) throw error;
    }
    const config = {
      chain: { genesis: resolve(plan.genesisFile) },
      consensus: {
        n: plan.validators,
        ...(plan.viewTimeoutMs !== undefined ? { view_timeout_ms: plan.viewTimeoutMs } : {}),
        ...(plan.emptyBlockIntervalMs !== undefined
          ? { empty_block_interval_ms: plan.emptyBlockIntervalMs }
          : {}),
      },
      storage: { path: join(dir, `node${i}`, "db") },
      p2p: {
        listen_address: "127.0.0.1",
        port: plan.ports.p2p + i,
        bootstrap_peers: peers.filter((_, j) => j !== i),
      },
      rpc: { host: "127.0.0.1", port: plan.ports.rpc + i },
      identity: { bls_key: join(keysDir, "bls.key"), libp2p_key: join(keysDir, "libp2p.key") },
      metrics: { enabled: true, host: "127.0.0.1", port: plan.ports.metrics + i },
      logging: { level: i === 0 ? (plan.leadLogLevel ?? "info") : "warn", pretty: true },
    };
    const file = join(dir, `node${i}.toml`);
    await writeFile(
      file,
      `# Validator ${i} of a ${plan.validators}-validator localnet (devnet keys: never hold value).\n${stringify(config)}\n`,
    );
    files.push(file);
  }
  return files;
}
