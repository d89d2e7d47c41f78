/** The installed `kairos` command (package.json "bin") runs the CLI without a build step. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "../../../bin/kairos.js");
const scratch = mkdtempSync(join(tmpdir(), "kairos-bin-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function kairos(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 120_000 });
}

describe("bin/kairos.js", () => {
  it("prints every command with --help", () => {
    const run = kairos("--help");
    expect(run.status).toBe(0);
    for (const command of ["start", "node --config", "keys generate", "genesis", "localnet"]) {
      expect(run.stdout).toContain(command);
    }
  });

  it("writes key files readable by their owner only", () => {
    const out = join(scratch, "keys");
    const run = kairos("keys", "generate", "--out", out);
    expect(run.status).toBe(0);
    expect(statSync(join(out, "bls.key")).mode & 0o777).toBe(0o600);
  });

  it("refuses a config with an unknown key, naming the file and the key, and exits 2", () => {
    const config = join(scratch, "bad.toml");
    writeFileSync(config, "[rpc]\nprot = 8545\n");
    const run = kairos("node", "--config", config);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("bad.toml");
    expect(run.stderr).toContain("prot");
  });
});
