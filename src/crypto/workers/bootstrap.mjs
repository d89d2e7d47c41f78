// Entry point of every crypto worker thread. Worker modules are TypeScript; a worker started from
// vitest (or plain node) has no TypeScript loader, so register tsx's ESM hooks in this thread first,
// unless the thread already inherited them (started under `tsx`, whose --import flag workers inherit).
import { workerData } from "node:worker_threads";

const inheritedTsx = process.execArgv.some((arg) => arg.includes("tsx"));
if (!inheritedTsx) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.kairosWorkerModule);
