/**
 * `kairos node --config file.toml`: one validator process, from configuration to a clean exit on
 * SIGINT or SIGTERM (writes finish, LevelDB closes).
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { loadConfig } from "../config/index.js";
import { loadKeyFiles } from "../crypto/keyFiles.js";
import { parseGenesis } from "../execution/genesis.js";
import { createMetrics, type Metrics } from "../metrics/metrics.js";
import { createLogger } from "./logger.js";
import { ValidatorNode, type ValidatorNodeOptions } from "./validator-node.js";

export async function runNode(
  configFile: string,
  extra: Pick<ValidatorNodeOptions, "decorateNetwork"> = {},
): Promise<void> {
  const config = loadConfig({ file: configFile, env: process.env });
  const logger = createLogger(config.logging);
  const genesis = parseGenesis(JSON.parse(await readFile(config.chain.genesis, "utf8")));
  if (config.chain.id !== undefined && BigInt(config.chain.id) !== genesis.chainId) {
    throw new Error(`chain.id ${config.chain.id} differs from the genesis chain id ${genesis.chainId}`);
  }
  const keys = await loadKeyFiles({ blsKey: config.identity.blsKey, libp2pKey: config.identity.libp2pKey });
  const metrics = config.metrics.enabled ? createMetrics() : null;
  const node = await ValidatorNode.open({ config, genesis, keys, logger, metrics, ...extra });
  const metricsServer = metrics
    ? await serveMetrics(metrics, config.metrics.host, config.metrics.port)
    : undefined;
  logger.info({ validator: node.index, rpc: `${config.rpc.host}:${config.rpc.port}` }, "validator started");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    metricsServer?.close();
    await node.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  if (process.env.KAIROS_EXIT_WITH_PARENT === "1") {
    // Started by `kairos start`: if that process dies without stopping us (kill -9), stop on our own
    // rather than keep the ports and the database.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void stop("parent exited");
    }, 1_000).unref();
  }
}

function serveMetrics(metrics: Metrics, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (body) => response.writeHead(200, { "content-type": metrics.registry.contentType }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
