/** anvil (the peer Kairos is measured against) on a free port of 127.0.0.1, with Kairos's chain ID. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../../e2e/helpers/ports.js";
import { CHAIN_ID, rpc } from "./single-node.js";

const ANVIL = fileURLToPath(
  new URL("../../../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil", import.meta.url),
);

export interface RunningAnvil {
  readonly url: string;
  readonly process: ChildProcess;
  /** Kills anvil and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts the anvil binary (osaka, automine) with `extraArgs` and waits until it answers. */
export async function startAnvil(extraArgs: readonly string[] = []): Promise<RunningAnvil> {
  const port = await freePort();
  const child = spawn(
    ANVIL,
    [
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--silent",
      "--chain-id",
      String(CHAIN_ID),
      "--hardfork",
      "osaka",
      ...extraArgs,
    ],
    { stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(child.pid, "SIGKILL");
    await exited;
  };
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await rpc(url, "eth_chainId")).result !== undefined) return { url, process: child, stop };
    } catch {
      if (attempt > 200 || child.exitCode !== null) {
        await stop();
        throw new Error("anvil did not start");
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
