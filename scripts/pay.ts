/**
 * Alice pays bob N times off-chain on the channel open-channel.ts opened: each update signed by alice,
 * verified and countersigned by bob, stored by both (LevelDB) before it counts. Nothing touches the chain.
 *
 *   npx tsx scripts/pay.ts [N=1000] [amountUSDC=0.001]
 */
import { parseEther } from "viem";
import { printBalances, resume, usdc } from "./lib/channelSession.js";

const count = Number(process.argv[2] ?? "1000");
const amount = parseEther(process.argv[3] ?? "0.001");
const { conn, params, alice, bob, close } = await resume();
const who = { alice: params.participants[0], bob: params.participants[1] };

await printBalances("on-chain before:", conn.publicClient, who);
console.log(
  `channel before: version ${alice.latest?.state.version}, alice ${usdc(alice.balance)}, bob ${usdc(bob.balance)}`,
);
const start = performance.now();
await Promise.all(Array.from({ length: count }, () => alice.pay(amount)));
const seconds = (performance.now() - start) / 1000;
console.log(
  `\n${count} payments of ${usdc(amount)} in ${seconds.toFixed(3)} s (${(count / seconds).toFixed(0)}/s)`,
);
console.log(
  `channel after:  version ${alice.latest?.state.version}, alice ${usdc(alice.balance)}, bob ${usdc(bob.balance)}\n`,
);
await printBalances("on-chain after (unchanged until close):", conn.publicClient, who);
await close();
