/**
 * EthereumJS analyses a contract's code (valid jump destinations, decoded PUSH values, opcode table
 * entries) every time a message runs it: for the 5 kB USDC token that was a fifth of an eth_call. The
 * analysis depends only on the code and the EVM's opcode table, both immutable, so for the EVMs
 * registered here it is remembered per code array (a state manager's code cache hands out the same array
 * for an account every time) and per opcode table: simulations' EVMs and block execution's.
 *
 * EthereumJS exports neither the Interpreter nor a hook for this: its method is wrapped once. If the
 * module layout ever changes, `enableJumpAnalysisCache` resolves false and nothing is wrapped.
 */
import type { EVMInterface } from "@ethereumjs/evm";

interface InterpreterInternals {
  _evm: EVMInterface & { _opcodeMap: object };
}

type Analyse = (this: InterpreterInternals, code: Uint8Array) => unknown;

const cachedEvms = new WeakSet<object>();
const analyses = new WeakMap<object, WeakMap<Uint8Array, unknown>>();
let installed: Promise<boolean> | undefined;

/** Remembers code analyses in `evm` from now on. */
export function enableJumpAnalysisCache(evm: EVMInterface): Promise<boolean> {
  cachedEvms.add(evm);
  installed ??= install();
  return installed;
}

async function install(): Promise<boolean> {
  try {
    const url = new URL("./interpreter.js", import.meta.resolve("@ethereumjs/evm"));
    const module = (await import(url.href)) as { Interpreter?: { prototype: Record<string, unknown> } };
    const prototype = module.Interpreter?.prototype;
    const analyse = prototype?._getValidJumpDestinations;
    if (prototype === undefined || typeof analyse !== "function") return false;
    const original = analyse as Analyse;
    prototype._getValidJumpDestinations = function (this: InterpreterInternals, code: Uint8Array) {
      if (!cachedEvms.has(this._evm)) return original.call(this, code);
      const table = this._evm._opcodeMap;
      let byCode = analyses.get(table);
      if (byCode === undefined) {
        byCode = new WeakMap();
        analyses.set(table, byCode);
      }
      let analysis = byCode.get(code);
      if (analysis === undefined) {
        analysis = original.call(this, code);
        byCode.set(code, analysis);
      }
      return analysis;
    };
    return true;
  } catch {
    return false;
  }
}
