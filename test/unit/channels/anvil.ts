/** Starts the anvil binary on a free 127.0.0.1 port for a test file, and stops it by PID. */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { createPublicClient, http } from "viem";

const ANVIL = resolve(import.meta.dirname, "../../../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface Anvil {
  url: string;
  stop(): Promise<void>;
}

export async function startAnvil(chainId: number): Promise<Anvil> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    ANVIL,
    ["--host", "127.0.0.1", "--port", String(port), "--silent", "--chain-id", String(chainId)],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const url = `http://127.0.0.1:${port}`;
  const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
  for (let attempt = 0; ; attempt++) {
    try {
      await client.getChainId();
      break;
    } catch (err) {
      if (attempt > 200 || child.exitCode !== null) {
        child.kill();
        throw new Error(`anvil did not start on ${url}: ${String(err)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
