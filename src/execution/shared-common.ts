/**
 * One Common shared by every transaction (and decoded block header) of the chain.
 *
 * EthereumJS copies the Common it is given into each transaction and merges the transaction
 * parameters into the copy (JSON deep copies and a rebuilt parameter cache): about 40 % of decoding
 * a transfer, and most of the garbage a flood of them leaves behind. Kairos runs one hardfork from
 * genesis and nothing changes a Common once it is set up, so one instance can serve them all: its
 * `copy()` returns itself and `updateParams` merges each parameter set once.
 */
import { paramsBlock } from "@ethereumjs/block";
import type { Common, ParamsDict } from "@ethereumjs/common";
import { paramsTx } from "@ethereumjs/tx";

const shared = new WeakMap<Common, Common>();

/** The shared instance for `common`'s chain (made on first use, then the same one every time). */
export function sharedCommon(common: Common): Common {
  const known = shared.get(common);
  if (known !== undefined) return known;
  const instance = common.copy();
  const merged = new WeakSet<ParamsDict>();
  const updateParams = instance.updateParams.bind(instance);
  Object.defineProperties(instance, {
    copy: { value: () => instance },
    updateParams: {
      value: (params: ParamsDict) => {
        if (merged.has(params)) return;
        updateParams(params);
        merged.add(params);
      },
    },
  });
  instance.updateParams(paramsTx);
  instance.updateParams(paramsBlock);
  shared.set(common, instance);
  shared.set(instance, instance);
  return instance;
}
