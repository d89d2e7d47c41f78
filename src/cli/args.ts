/**
 * Argument parsing for the `kairos` command, and nothing else: each command's work lives in the module
 * it names (node/, crypto/, execution/).
 */
import { parseArgs } from "node:util";

export type Command =
  | { name: "start"; validators: number; reset: boolean; dataDir: string; rpcPort: number }
  | { name: "node"; configFile: string }
  | { name: "keys"; outDir: string; force: boolean }
  | { name: "genesis"; validatorsFile: string; outFile: string; chainId?: number }
  | { name: "localnet"; outDir: string; validators: number; basePort: number }
  | { name: "help" };

export class UsageError extends Error {
  readonly code = "USAGE";
}

export const USAGE = `kairos <command> [options]

  start [--validators 6] [--reset] [--data-dir .kairos] [--rpc-port 8545]
                                  run a local devnet (n validators on this machine)
  node --config node0.toml        run one validator from a config file
  keys generate [--out DIR] [--force]
                                  write a BLS key and a libp2p identity key (mode 0600)
  genesis --validators FILE --out FILE [--chain-id N]
                                  create a genesis for a new network from a validator list
  localnet [--out DIR] [--validators 6] [--base-port 30300]
                                  write node0.toml … nodeN.toml and a genesis for a localnet
`;

export function parseCommand(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return { name: "help" };
    case "start": {
      const { values } = parse(rest, {
        validators: { type: "string", default: "6" },
        reset: { type: "boolean", default: false },
        "data-dir": { type: "string", default: ".kairos" },
        "rpc-port": { type: "string", default: "8545" },
      });
      return {
        name,
        validators: positiveInteger(values.validators, "--validators"),
        reset: values.reset === true,
        dataDir: String(values["data-dir"]),
        rpcPort: port(values["rpc-port"], "--rpc-port"),
      };
    }
    case "node": {
      const { values } = parse(rest, { config: { type: "string" } });
      if (typeof values.config !== "string") throw new UsageError("kairos node needs --config <file.toml>");
      return { name, configFile: values.config };
    }
    case "keys": {
      const [sub, ...options] = rest;
      if (sub !== "generate") throw new UsageError("usage: kairos keys generate [--out DIR] [--force]");
      const { values } = parse(options, {
        out: { type: "string", default: "keys" },
        force: { type: "boolean", default: false },
      });
      return { name, outDir: String(values.out), force: values.force === true };
    }
    case "genesis": {
      const { values } = parse(rest, {
        validators: { type: "string" },
        out: { type: "string" },
        "chain-id": { type: "string" },
      });
      if (typeof values.validators !== "string" || typeof values.out !== "string") {
        throw new UsageError("kairos genesis needs --validators <file.json> and --out <genesis.json>");
      }
      const chainId =
        values["chain-id"] === undefined ? undefined : positiveInteger(values["chain-id"], "--chain-id");
      return { name, validatorsFile: values.validators, outFile: values.out, chainId };
    }
    case "localnet": {
      const { values } = parse(rest, {
        out: { type: "string", default: "localnet" },
        validators: { type: "string", default: "6" },
        "base-port": { type: "string", default: "30300" },
      });
      return {
        name,
        outDir: String(values.out),
        validators: positiveInteger(values.validators, "--validators"),
        basePort: port(values["base-port"], "--base-port"),
      };
    }
    default:
      throw new UsageError(`unknown command '${name}'\n\n${USAGE}`);
  }
}

type Options = Record<string, { type: "string" | "boolean"; default?: string | boolean }>;

function parse(
  args: readonly string[],
  options: Options,
): { values: Record<string, string | boolean | undefined> } {
  try {
    const { values } = parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
    return { values: values as Record<string, string | boolean | undefined> };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveInteger(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${flag} expects a positive integer, got '${value}'`);
  return n;
}

function port(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new UsageError(`${flag} expects a TCP port, got '${value}'`);
  return n;
}
