/** The simulator's virtual clock: a time-ordered event queue; ties break by insertion order. */
import type { Clock, TimerHandle } from "../engine.js";

interface Scheduled {
  time: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

export class Scheduler implements Clock {
  private heap: Scheduled[] = [];
  private seq = 0;
  private time = 0;

  now(): number {
    return this.time;
  }

  at(time: number, run: () => void): Scheduled {
    const item = { time: Math.max(time, this.time), seq: this.seq++, run, cancelled: false };
    this.push(item);
    return item;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    return this.at(this.time + delayMs, callback);
  }

  cancel(handle: TimerHandle): void {
    (handle as Scheduled).cancelled = true;
  }

  /** Run the next event due at or before `until`; returns false when there is none. */
  step(until: number): boolean {
    for (;;) {
      const top = this.heap[0];
      if (!top || top.time > until) return false;
      this.pop();
      if (top.cancelled) continue;
      this.time = top.time;
      top.run();
      return true;
    }
  }

  advanceTo(time: number): void {
    if (time > this.time) this.time = time;
  }

  pending(): number {
    return this.heap.length;
  }

  private less(x: Scheduled, y: Scheduled): boolean {
    return x.time < y.time || (x.time === y.time && x.seq < y.seq);
  }

  private push(item: Scheduled): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Scheduled | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
