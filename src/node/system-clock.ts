/** Minimmit's Clock (consensus/engine.ts) on the real clock; the simulator supplies a virtual one. */
import type { Clock, TimerHandle } from "../consensus/engine.js";

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (delayMs, callback) => setTimeout(callback, delayMs),
  cancel: (handle: TimerHandle) => clearTimeout(handle as NodeJS.Timeout),
};
