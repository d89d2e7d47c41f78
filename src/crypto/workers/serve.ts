/**
 * The worker side of the pool: answer `{ id, op, input }` messages with `{ id, output }` or
 * `{ id, error }`. Inputs and outputs are raw bytes whose buffers move between threads (transfer).
 */
import { parentPort } from "node:worker_threads";

export type TaskHandler = (input: Uint8Array) => Uint8Array;

export interface TaskRequest {
  id: number;
  op: string;
  input: ArrayBuffer;
}

export type TaskReply =
  | { id: number; output: ArrayBuffer }
  | { id: number; error: { message: string; code?: string } };

export function serveTasks(handlers: Record<string, TaskHandler>): void {
  const port = parentPort;
  if (!port) throw new Error("serveTasks() must run inside a worker thread");
  port.on("message", (request: TaskRequest) => {
    const handler = Object.hasOwn(handlers, request.op) ? handlers[request.op] : undefined;
    if (!handler) {
      port.postMessage({
        id: request.id,
        error: { message: `unknown task ${request.op}` },
      } satisfies TaskReply);
      return;
    }
    try {
      const output = ownBuffer(handler(new Uint8Array(request.input)));
      port.postMessage({ id: request.id, output } satisfies TaskReply, [output]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown }).code;
      port.postMessage({
        id: request.id,
        error: { message, code: typeof code === "string" ? code : undefined },
      } satisfies TaskReply);
    }
  });
  port.postMessage({ ready: true });
}

/** An ArrayBuffer holding exactly these bytes, which can be transferred without copying others. */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes.buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}
