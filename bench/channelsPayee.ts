/** The payee of bench/channels.ts on its own thread: countersigns whatever the payer sends over the port. */
import { parentPort, workerData } from "node:worker_threads";
import { portTransport } from "../src/channels/portTransport.js";
import { openStore, type Persistence, party } from "./channelsParty.js";

const { nonce, persistence, window } = workerData as {
  nonce: bigint;
  persistence: Persistence;
  window: number;
};
const port = parentPort!;
const store = await openStore(persistence);
await party(1, nonce, portTransport(port), store, window);
port.postMessage({ ready: true });
port.on("message", async (value: unknown) => {
  // The payer asks for this thread's CPU time around each run (process.threadCpuUsage: this thread only).
  if ((value as { cpu?: boolean }).cpu) port.postMessage({ cpu: process.threadCpuUsage() });
  if ((value as { stop?: boolean }).stop) {
    await store.close();
    port.postMessage({ stopped: true });
  }
});
