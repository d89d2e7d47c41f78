import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, defaultConfig, kairosConfigSchema, loadConfig } from "../../../src/config/index.js";
import { camelToSnake } from "../../../src/config/keys.js";
import { knownKeys, schemaAt } from "../../../src/config/schemaWalk.js";

const exampleFile = join(import.meta.dirname, "../../../config.example.toml");
const dir = mkdtempSync(join(tmpdir(), "kairos-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tomlFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("gives every default without a file", () => {
    const config = loadConfig({ env: {} });
    expect(config.rpc.host).toBe("127.0.0.1");
    expect(config.rpc.port).toBe(8545);
    expect(config.rpc.gasCap).toBe(50_000_000);
    expect(config.rpc.batchLimit).toBe(1000);
    expect(config.mempool.priceBumpPercent).toBe(10);
    expect(config.consensus.emptyBlockIntervalMs).toBe(1000);
    expect(config.consensus.f).toBe(0);
  });

  it("reads snake_case keys from TOML into the typed config", () => {
    const file = tomlFile(
      "node.toml",
      `[consensus]\nn = 11\nleader_schedule = "random"\nleader_seed = 42\n[rpc]\nport = 9545\ncors_origins = ["http://localhost:3000"]\n[mempool]\nmin_tip = "1000000000000000000000"\n[identity]\nfee_recipient = "0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"\n`,
    );
    const config = loadConfig({ file, env: {} });
    expect(config.consensus).toMatchObject({ n: 11, f: 2, leaderSchedule: "random", leaderSeed: 42 });
    expect(config.rpc.port).toBe(9545);
    expect(config.rpc.corsOrigins).toEqual(["http://localhost:3000"]);
    expect(config.mempool.minTip).toBe(10n ** 21n);
    expect(config.identity.feeRecipient).toBe("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
  });

  it("lets NODE_SECTION__KEY variables override the file, any case, coerced to the key's type", () => {
    const file = tomlFile("override.toml", `[consensus]\nn = 1\n[metrics]\nenabled = true\n`);
    const config = loadConfig({
      file,
      env: {
        NODE_CONSENSUS__N: "6",
        node_rpc__max_log_block_range: "500",
        NODE_METRICS__ENABLED: "false",
        NODE_P2P__BOOTSTRAP_PEERS: "/ip4/127.0.0.1/tcp/9001,/ip4/127.0.0.1/tcp/9002",
        NODE_MEMPOOL__MIN_FEE_CAP: "7",
        NODE_ENV: "production",
        NODE_OPTIONS: "--max-old-space-size=4096",
      },
    });
    expect(config.consensus.n).toBe(6);
    expect(config.consensus.f).toBe(1);
    expect(config.rpc.maxLogBlockRange).toBe(500);
    expect(config.metrics.enabled).toBe(false);
    expect(config.p2p.bootstrapPeers).toEqual(["/ip4/127.0.0.1/tcp/9001", "/ip4/127.0.0.1/tcp/9002"]);
    expect(config.mempool.minFeeCap).toBe(7n);
  });

  it("rejects an unknown key in the file, naming the file and the key", () => {
    const file = tomlFile("unknown.toml", `[rpc]\nport = 8545\nmax_batch = 10\n`);
    const error = configError(() => loadConfig({ file, env: {} }));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.problems).toEqual([
      expect.objectContaining({ path: "rpc.max_batch", source: { kind: "file", file } }),
    ]);
    expect(error.message).toContain(file);
    expect(error.message).toContain("rpc.max_batch");
    expect(error.message).toContain("batch_limit");
  });

  it("rejects an unknown section and a camelCase key", () => {
    const file = tomlFile("section.toml", `[rcp]\nport = 1\n[rpc]\nbatchLimit = 5\n`);
    const error = configError(() => loadConfig({ file, env: {} }));
    expect(error.problems.map((problem) => problem.path).sort()).toEqual(["rcp", "rpc.batchLimit"]);
    expect(error.message).toContain("did you mean batch_limit?");
  });

  it("rejects a wrong type, saying what was expected and what was found", () => {
    const file = tomlFile("type.toml", `[rpc]\nport = "eighty"\n[logging]\npretty = "yes"\n`);
    const error = configError(() => loadConfig({ file, env: {} }));
    expect(error.message).toContain(`${file}: rpc.port: expected number, got "eighty"`);
    expect(error.message).toContain(`${file}: logging.pretty: expected boolean, got "yes"`);
  });

  it("rejects out-of-range values and values outside an enumeration", () => {
    const file = tomlFile(
      "range.toml",
      `[rpc]\nport = 70000\n[consensus]\nn = 0\nleader_schedule = "lottery"\n[identity]\nfee_recipient = "0x1234"\n`,
    );
    const error = configError(() => loadConfig({ file, env: {} }));
    const byPath = Object.fromEntries(error.problems.map((problem) => [problem.path, problem.expected]));
    expect(byPath["rpc.port"]).toBe("expected number ≤ 65535, got 70000");
    expect(byPath["consensus.n"]).toBe("expected number ≥ 1, got 0");
    expect(byPath["consensus.leader_schedule"]).toContain('"round-robin", "random"');
    expect(byPath["identity.fee_recipient"]).toContain("20-byte");
  });

  it("rejects f too large for n (n ≥ 5f + 1) and a view timeout not above the empty-block interval", () => {
    const file = tomlFile("quorum.toml", `[consensus]\nn = 6\nf = 2\nview_timeout_ms = 500\n`);
    const error = configError(() => loadConfig({ file, env: {} }));
    const paths = error.problems.map((problem) => problem.path).sort();
    expect(paths).toEqual(["consensus.f", "consensus.view_timeout_ms"]);
    expect(error.message).toContain("n ≥ 5f + 1");
  });

  it("names the environment variable when an override is bad", () => {
    const error = configError(() =>
      loadConfig({ env: { NODE_CONSENSUS__N: "six", NODE_RPC__PORTT: "1", NODE_MEMPOOL__MIN_TIP: "-1" } }),
    );
    expect(error.problems).toEqual(
      expect.arrayContaining([
        {
          path: "consensus.n",
          expected: 'expected number, got "six"',
          source: { kind: "env", variable: "NODE_CONSENSUS__N" },
        },
        expect.objectContaining({ path: "rpc.portt", source: { kind: "env", variable: "NODE_RPC__PORTT" } }),
        expect.objectContaining({
          path: "mempool.min_tip",
          source: { kind: "env", variable: "NODE_MEMPOOL__MIN_TIP" },
        }),
      ]),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.message).toContain(
      "NODE_RPC__PORTT (rpc.portt): unknown option; expected one of: host, port",
    );
    expect(error.message).toContain(
      "NODE_MEMPOOL__MIN_TIP (mempool.min_tip): expected a non-negative integer",
    );
  });

  it("reports a TOML syntax error and a missing file with the file name", () => {
    const broken = tomlFile("broken.toml", `[rpc\nport = 1\n`);
    expect(configError(() => loadConfig({ file: broken, env: {} })).message).toContain(
      `${broken}: : valid TOML`,
    );
    const missing = join(dir, "missing.toml");
    expect(configError(() => loadConfig({ file: missing, env: {} })).message).toContain("ENOENT");
  });
});

describe("config.example.toml", () => {
  it("loads to exactly the defaults", () => {
    expect(loadConfig({ file: exampleFile, env: {} })).toEqual(defaultConfig());
  });

  it("documents every option, set or commented out", () => {
    const text = readFileSync(exampleFile, "utf8");
    const documented = new Set<string>();
    let section = "";
    for (const line of text.split("\n")) {
      const header = /^\[(\w+)\]/.exec(line);
      if (header) section = header[1];
      const key = /^#?\s*(\w+)\s*=/.exec(line);
      if (key && section) documented.add(`${section}.${key[1]}`);
    }
    const options = knownKeys(kairosConfigSchema).flatMap((section) =>
      knownKeys(schemaAt(kairosConfigSchema, [section])!).map((key) => `${section}.${camelToSnake(key)}`),
    );
    expect(options.length).toBeGreaterThan(40);
    expect(options.filter((option) => !documented.has(option))).toEqual([]);
  });
});
