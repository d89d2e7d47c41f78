/**
 * Closes the channel cooperatively: both sign a final state with the latest split and alice submits it;
 * the adjudicator pays both payees at once.
 *
 *   npx tsx scripts/close.ts
 */
import { printBalances, resume, usdc } from "./lib/channelSession.js";

const { conn, params, adjudicator, alice, adjudicators, close } = await resume();
const who = { alice: params.payees[0], bob: params.payees[1], adjudicator };

await printBalances("before:", conn.publicClient, who);
const { final, txHash } = await alice.close();
console.log(
  `\nfinal state version ${final.state.version}: alice ${usdc(final.state.balances[0])}, bob ${usdc(final.state.balances[1])}`,
);
console.log(
  `close transaction ${txHash}; held by the adjudicator now: ${usdc(await adjudicators[0].holdings(alice.id))}\n`,
);
await printBalances("after:", conn.publicClient, who);
await close();
