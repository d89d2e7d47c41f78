import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { SIGNATURE_TASK_BYTES } from "../../../src/crypto/secp256k1.js";
import { createSenderRecoveryPool } from "../../../src/crypto/senderRecovery.js";
import { WorkerPool } from "../../../src/crypto/workerPool.js";

const run = promisify(execFile);
const repo = join(import.meta.dirname, "../../..");

describe("WorkerPool", () => {
  it("loads TypeScript workers under vitest, runs tasks on every thread, and closes cleanly", async () => {
    const pool = createSenderRecoveryPool(2);
    await pool.ready();
    // Two all-zero tasks (no valid signature): one 65-byte answer each, flagged as not recovered.
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(() => pool.run("recover", new Uint8Array(2 * SIGNATURE_TASK_BYTES))),
    );
    for (const output of outputs) {
      expect(output).toHaveLength(130);
      expect(output[0]).toBe(0);
    }
    await pool.close();
    await expect(pool.run("recover", new Uint8Array(SIGNATURE_TASK_BYTES))).rejects.toMatchObject({
      code: "WORKER_POOL",
    });
  });

  it("reports a failed task as an error without losing the thread", async () => {
    const pool = createSenderRecoveryPool(1);
    await expect(pool.run("no-such-task", new Uint8Array(1))).rejects.toThrow("unknown task no-such-task");
    expect(await pool.run("recover", new Uint8Array(SIGNATURE_TASK_BYTES))).toHaveLength(65);
    await pool.close();
  });

  it("rejects tasks still running when the pool closes", async () => {
    const pool = createSenderRecoveryPool(1);
    const outcome = pool
      .run("recover", new Uint8Array(1_000 * SIGNATURE_TASK_BYTES))
      .catch((error: unknown) => error);
    await pool.close();
    expect(await outcome).toMatchObject({ code: "WORKER_POOL" });
  });

  it("fails tasks with a clear error when the worker module cannot load, without respawning it", async () => {
    const pool = new WorkerPool({
      module: new URL("./fixtures/missingWorker.ts", import.meta.url),
      size: 1,
      name: "broken",
    });
    await expect(pool.ready()).rejects.toMatchObject({ code: "WORKER_POOL" });
    await expect(pool.run("anything", new Uint8Array(1))).rejects.toThrow("broken worker 0");
    await pool.close();
  });

  it("loads TypeScript workers under tsx, and the process exits on its own after close()", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "test/unit/crypto/fixtures/poolUnderTsx.ts"],
      {
        cwd: repo,
        timeout: 60_000,
      },
    );
    expect(JSON.parse(stdout)).toEqual({ valid: [true, false] });
  });
});
