/** One pino logger per process; each component gets a `module` child (DESIGN §6). */
import { Writable } from "node:stream";
import { type DestinationStream, type Logger, pino } from "pino";
import type { LoggingConfig } from "../config/index.js";

export type { Logger };

export function createLogger(config: LoggingConfig, base: Record<string, unknown> = {}): Logger {
  const options = {
    level: config.level,
    base,
    // Keys never reach a log line, whatever a component passes in.
    redact: { paths: ["*.secretKey", "*.privateKey", "secretKey", "privateKey"], remove: true },
  };
  return config.pretty ? pino(options, prettyStream(process.stdout)) : pino(options);
}

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO ",
  40: "WARN ",
  50: "ERROR",
  60: "FATAL",
};
const HIDDEN = new Set(["level", "time", "msg", "module", "pid", "hostname", "node"]);

/** One readable line per record: `12:00:01.234 INFO  node0 consensus finalized height=12 view=14`. */
export function formatLogLine(record: Record<string, unknown>): string {
  const time = new Date(Number(record.time)).toISOString().slice(11, 23);
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
    .join(" ");
  const who = [record.node, record.module].filter((part) => part !== undefined).join(" ");
  return `${time} ${LEVELS[Number(record.level)] ?? record.level} ${who} ${String(record.msg ?? "")}${fields ? ` ${fields}` : ""}`;
}

function prettyStream(out: NodeJS.WritableStream): DestinationStream {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line.length === 0) continue;
        try {
          out.write(`${formatLogLine(JSON.parse(line) as Record<string, unknown>)}\n`);
        } catch {
          out.write(`${line}\n`);
        }
      }
      done();
    },
  });
}
