/** The payee of bench/channels.ts on its own thread: countersigns whatever the payer sends over the port. */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { portTransport } from "../src/channels/portTransport.js";
import { ModelClock, openStore, type Persistence, party, stampedPort } from "./channelsParty.js";

const { nonce, persistence, window, burst, model } = workerData as {
  nonce: bigint;
  persistence: Persistence;
  window: number;
  burst?: number;
  /** Stamp messages with this thread's model clock (bench/channels.ts --model). */
  model: boolean;
};
const port = parentPort!;
const store = await openStore(persistence);
const clock = new ModelClock();
await party(1, nonce, portTransport(model ? stampedPort(port, clock) : port), store, window, burst);
port.postMessage({ ready: true });
port.on("message", async (value: unknown) => {
  // The payer asks for this thread's CPU time (process.threadCpuUsage: this thread only) and event-loop
  // utilization around each run.
  // It also sets this thread's model clock to the payer's (ModelClock: both are idle between runs).
  const { cpu, clock: at } = value as { cpu?: boolean; clock?: number };
  if (at !== undefined) clock.set(at);
  if (cpu) port.postMessage({ cpu: process.threadCpuUsage(), elu: performance.eventLoopUtilization() });
  if ((value as { stop?: boolean }).stop) {
    await store.close();
    port.postMessage({ stopped: true });
  }
});
