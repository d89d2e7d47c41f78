/**
 * A fixed-size pool of worker threads that run byte-in, byte-out tasks. Inputs are transferred, not
 * copied or structured-cloned object by object. `close()` terminates every thread, so a test or a
 * node shutdown leaves none behind. Idle workers do not keep the process alive.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { WorkerPoolError } from "./errors.js";
import { ownBuffer, type TaskReply } from "./workers/serve.js";

const BOOTSTRAP = new URL("./workers/bootstrap.mjs", import.meta.url);

export interface WorkerPoolOptions {
  /** The worker module (a .ts file calling `serveTasks`), e.g. `new URL("./workers/x.ts", import.meta.url)`. */
  module: URL;
  /** Number of threads; defaults to the machine's available parallelism. */
  size?: number;
  /** Shown in thread names and errors. */
  name: string;
}

interface PendingTask {
  resolve(output: Uint8Array): void;
  reject(error: Error): void;
}

interface PoolThread {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, PendingTask>;
  /** Set when the thread died before loading its module: it is not replaced (no crash loop). */
  failure?: Error;
}

export class WorkerPool {
  readonly size: number;
  private readonly threads: PoolThread[] = [];
  private nextId = 0;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {
    this.size = Math.max(1, options.size ?? availableParallelism());
    for (let index = 0; index < this.size; index++) this.threads.push(this.spawn(index));
  }

  /** Resolves once every thread has loaded its module (start-up takes a few hundred ms under tsx). */
  async ready(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.ready));
  }

  /** Run `op` on the least busy thread. `input`'s buffer is transferred when it holds only `input`. */
  run(op: string, input: Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new WorkerPoolError(`${this.options.name} pool is closed`));
    const alive = this.threads.filter((candidate) => !candidate.failure);
    if (alive.length === 0)
      return Promise.reject(this.threads[0]?.failure ?? new WorkerPoolError("no threads"));
    const thread = alive.reduce((best, candidate) =>
      candidate.pending.size < best.pending.size ? candidate : best,
    );
    const id = this.nextId++;
    const buffer = ownBuffer(input);
    return new Promise<Uint8Array>((resolve, reject) => {
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, op, input: buffer }, [buffer]);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const threads = this.threads.splice(0);
    for (const thread of threads)
      this.failPending(thread, new WorkerPoolError(`${this.options.name} pool closed`));
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private spawn(index: number): PoolThread {
    const worker = new Worker(BOOTSTRAP, {
      name: `${this.options.name}-${index}`,
      workerData: { kairosWorkerModule: this.options.module.href },
    });
    worker.unref();
    const pending = new Map<number, PendingTask>();
    let loaded = false;
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => {}); // Observed through ready() or the tasks it fails.
    const thread: PoolThread = { worker, ready, pending };

    worker.on("message", (message: TaskReply | { ready: true }) => {
      if ("ready" in message) {
        loaded = true;
        return markReady();
      }
      const task = pending.get(message.id);
      if (!task) return;
      pending.delete(message.id);
      if (pending.size === 0) worker.unref();
      if ("output" in message) task.resolve(new Uint8Array(message.output));
      else task.reject(new WorkerPoolError(`${this.options.name} task failed: ${message.error.message}`));
    });
    worker.on("error", (error) => {
      const failure = new WorkerPoolError(`${this.options.name} worker ${index} crashed`, error);
      failReady(failure);
      this.failPending(thread, failure);
    });
    worker.on("exit", (exitCode) => {
      if (this.closed) return;
      const failure = new WorkerPoolError(
        `${this.options.name} worker ${index} exited with code ${exitCode}`,
      );
      failReady(failure);
      this.failPending(thread, failure);
      if (!loaded) {
        thread.failure = failure;
        return;
      }
      // Keep the pool at its size: a thread that crashed after loading is replaced.
      const position = this.threads.indexOf(thread);
      if (position >= 0) this.threads[position] = this.spawn(index);
    });
    return thread;
  }

  private failPending(thread: PoolThread, error: Error): void {
    for (const task of thread.pending.values()) task.reject(error);
    thread.pending.clear();
  }
}
