/**
 * `npm run sim -- --seeds N [--from S] [--relay]`
 *                                         soak N seeded random scenarios; exit 1 on any violation.
 *                                         --relay: certificates forwarded as the node does
 *                                         (consensus/certificate-relay.ts), not all-to-all.
 * `npm run sim -- --estimate [--data DIR] [--views V] [--seed S]`
 *                                         latency estimator: 50 validators over 10 AWS regions.
 */
import { parseArgs } from "node:util";
import { estimate, formatEstimate } from "./estimator.js";
import { soak } from "./soak.js";

const { values } = parseArgs({
  options: {
    seeds: { type: "string" },
    from: { type: "string", default: "0" },
    estimate: { type: "boolean", default: false },
    data: { type: "string", default: "../shared/data" },
    views: { type: "string", default: "200" },
    seed: { type: "string", default: "1" },
    relay: { type: "boolean", default: false },
  },
});

if (values.estimate) {
  const result = await estimate({
    dataDir: values.data,
    views: Number(values.views),
    seed: Number(values.seed),
  });
  console.log(formatEstimate(result));
} else if (values.seeds) {
  const count = Number(values.seeds);
  const from = Number(values.from);
  const result = await soak(
    from,
    count,
    (done, r) => {
      if (done % 1_000 === 0) {
        console.error(
          `${done}/${count} seeds, ${r.violations.length} violations, ${(performance.now() / 1000).toFixed(0)} s`,
        );
      }
    },
    { relay: values.relay },
  );
  for (const v of result.violations) console.log(`VIOLATION seed=${v.seed} ${v.label}\n${v.error}\n`);
  console.log(
    `soak: seeds ${from}..${from + result.seeds - 1} (${result.seeds}), violations ${result.violations.length}, ` +
      `blocks finalized (min over honest nodes, summed) ${result.finalized}, wall ${(result.wallMs / 1000).toFixed(1)} s`,
  );
  process.exitCode = result.violations.length === 0 ? 0 : 1;
} else {
  console.error(
    "usage: npm run sim -- --seeds N [--from S] [--relay] | --estimate [--data DIR] [--views V] [--seed S]",
  );
  process.exitCode = 2;
}
