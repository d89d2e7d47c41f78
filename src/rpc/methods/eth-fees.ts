/** Fee suggestions and history: eth_gasPrice, eth_maxPriorityFeePerGas, eth_feeHistory. */
import { z } from "zod";
import type { ChainBlock, ChainReader, ChainReceipt } from "../backend.js";
import { blockNumberOf } from "../block-tag.js";
import { ErrorCode, RpcError } from "../errors.js";
import { quantity } from "../format.js";
import { defineMethod } from "../method.js";
import { blockNumberOrTag, quantity as quantityParam } from "../params.js";

const none = z.tuple([]);

/** geth takes the block count as a hex quantity or a plain integer. */
const blockCount = z.union([quantityParam, z.number().int().nonnegative().transform(BigInt)], {
  error: "expected a block count (hex quantity or integer)",
});

const percentiles = z
  .array(
    z.number({ error: "expected a number" }).min(0, "must be within 0-100").max(100, "must be within 0-100"),
  )
  .max(100, "at most 100 percentiles")
  .refine(
    (list) => list.every((p, i) => i === 0 || p >= list[i - 1]),
    "percentiles must be in ascending order",
  );

export const ethFeeMethods = [
  defineMethod("eth_gasPrice", [], none, (_, { backend, options }) =>
    quantity(backend.chain.nextBaseFeePerGas() + options.suggestedPriorityFeePerGas),
  ),
  defineMethod("eth_maxPriorityFeePerGas", [], none, (_, { options }) =>
    quantity(options.suggestedPriorityFeePerGas),
  ),
  defineMethod(
    "eth_feeHistory",
    ["blockCount", "newestBlock", "rewardPercentiles"],
    z.tuple([blockCount, blockNumberOrTag, percentiles.nullish()]),
    async ([count, newestTag, rewardPercentiles], { backend, options }) => {
      const chain = backend.chain;
      const head = chain.finalHead().number;
      const newest = blockNumberOf(newestTag, chain);
      if (newest > head) {
        throw new RpcError(ErrorCode.server, `request beyond head block: requested ${newest}, head ${head}`);
      }
      const limit = BigInt(options.maxFeeHistoryBlocks);
      const wanted = count > limit ? limit : count;
      const earliest = chain.earliest().number;
      let oldest = newest - wanted + 1n;
      if (oldest < earliest) oldest = earliest;
      if (wanted === 0n || oldest > newest)
        return { oldestBlock: quantity(0), baseFeePerGas: [], gasUsedRatio: [] };

      const baseFeePerGas: string[] = [];
      const gasUsedRatio: number[] = [];
      const reward: string[][] = [];
      for (let n = oldest; n <= newest; n++) {
        const header = await chain.headerByNumber(n);
        if (header === undefined) throw new RpcError(ErrorCode.server, `block ${n} not found`);
        baseFeePerGas.push(quantity(header.baseFeePerGas));
        gasUsedRatio.push(header.gasLimit === 0n ? 0 : Number(header.gasUsed) / Number(header.gasLimit));
        if (rewardPercentiles != null) reward.push(await blockRewards(chain, n, rewardPercentiles));
      }
      // One more entry: the base fee of the block after `newest` (EIP-1559 history answers blocks+1).
      baseFeePerGas.push(quantity(await baseFeeAfter(chain, newest, head)));
      const result: Record<string, unknown> = { oldestBlock: quantity(oldest), baseFeePerGas, gasUsedRatio };
      if (rewardPercentiles != null) result.reward = reward;
      return result;
    },
  ),
];

async function baseFeeAfter(chain: ChainReader, newest: bigint, head: bigint): Promise<bigint> {
  if (newest === head) return chain.nextBaseFeePerGas();
  const next = await chain.headerByNumber(newest + 1n);
  return next?.baseFeePerGas ?? chain.nextBaseFeePerGas();
}

/** geth's rule: sort the block's transactions by tip, walk their gas until each percentile of gasUsed. */
async function blockRewards(
  chain: ChainReader,
  number: bigint,
  percentiles: readonly number[],
): Promise<string[]> {
  const block = await chain.blockByNumber(number);
  const receipts = block && (await chain.blockReceipts(block.hash));
  if (!block || !receipts || block.transactions.length === 0) return percentiles.map(() => "0x0");
  const tips = tipsByGas(block, receipts);
  const out: string[] = [];
  let index = 0;
  let sum = tips[0].gasUsed;
  for (const p of percentiles) {
    const threshold = (Number(block.gasUsed) * p) / 100;
    while (sum < threshold && index < tips.length - 1) {
      index++;
      sum += tips[index].gasUsed;
    }
    out.push(quantity(tips[index].tip));
  }
  return out;
}

function tipsByGas(block: ChainBlock, receipts: readonly ChainReceipt[]): { tip: bigint; gasUsed: number }[] {
  const tips = block.transactions.map((tx, i) => {
    const feeCap = tx.maxFeePerGas ?? tx.gasPrice ?? 0n;
    const priority = tx.maxPriorityFeePerGas ?? tx.gasPrice ?? 0n;
    const headroom = feeCap - block.baseFeePerGas;
    const tip = priority < headroom ? priority : headroom;
    return { tip: tip < 0n ? 0n : tip, gasUsed: Number(receipts[i]?.gasUsed ?? 0n) };
  });
  tips.sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
  return tips;
}
