/**
 * A dispute from start to end, on a fresh channel with a short challenge period (CHALLENGE_PERIOD, 5 s):
 * alice opens and pays bob twice, then registers the older state (where she had paid less); bob's
 * watcher sees the stale challenge and responds with the latest co-signed state on its own; after the
 * timer anyone settles and the latest split is paid.
 *
 *   npx tsx scripts/dispute.ts [depositUSDC=10]
 */
import type { Hex } from "viem";
import { ChannelWatcher } from "../src/channels/watcher.js";
import { newSession, printBalances, usdc } from "./lib/channelSession.js";

const { deposit, conn, params, alice, bob, adjudicators, who, close } = await newSession(5n);

await printBalances("before:", conn.publicClient, who);
await alice.open(deposit);
await alice.pay(deposit / 10n);
const stale = alice.latest!;
await alice.pay(deposit / 5n);
console.log(
  `\nlatest co-signed: version ${bob.latest!.state.version}, alice ${usdc(bob.latest!.state.balances[0])}, bob ${usdc(bob.latest!.state.balances[1])}`,
);

const responded = new Promise<Hex>((resolve, reject) => {
  const watcher = new ChannelWatcher(adjudicators[1], {
    onResponded: (_id, registered, answered, hash) => {
      console.log(
        `bob's watcher answered the challenge at version ${registered} with version ${answered} (${hash})`,
      );
      watcher.stop();
      resolve(hash);
    },
    onError: (_id, err) => reject(err),
  });
  void watcher.watch(bob);
});
console.log(`alice challenges with the stale version ${stale.state.version}`);
await adjudicators[0].challenge(params, stale);
await responded;

const { finalizesAt } = await adjudicators[0].challengeOf(alice.id);
process.stdout.write(`waiting for the timer (finalizesAt ${finalizesAt})`);
for (;;) {
  try {
    await bob.settle();
    break;
  } catch (err) {
    if (!String(err).includes("ChallengeNotExpired")) throw err;
    process.stdout.write(".");
    await new Promise((r) => setTimeout(r, 1000));
    // A chain that mines only on demand (anvil) keeps its last timestamp: a no-op transfer moves it on.
    if (BigInt(Math.floor(Date.now() / 1000)) > finalizesAt) {
      const wallet = conn.walletFor(2);
      await conn.publicClient.waitForTransactionReceipt({
        hash: await wallet.sendTransaction({ to: wallet.account.address, value: 0n }),
      });
    }
  }
}
console.log(`\nsettled; held by the adjudicator now: ${usdc(await adjudicators[1].holdings(alice.id))}\n`);
await printBalances("after:", conn.publicClient, who);
await close();
