/**
 * Opens an alice → bob USDC channel: both sign the pre-funding state, alice deposits through the
 * adjudicator (native USDC as msg.value), both countersign the funded state.
 *
 *   npx tsx scripts/open-channel.ts [depositUSDC=10]      (RPC_URL, ADJUDICATOR, CHANNEL_DIR optional)
 */
import { newSession, printBalances, usdc } from "./lib/channelSession.js";

const { deposit, conn, alice, adjudicators, who, close } = await newSession(3600n);

await printBalances("before:", conn.publicClient, who);
const funded = await alice.open(deposit);
console.log(`\nchannel ${alice.id} open at version ${funded.state.version}`);
console.log(`  held by the adjudicator: ${usdc(await adjudicators[0].holdings(alice.id))}`);
console.log(`  split: alice ${usdc(funded.state.balances[0])}, bob ${usdc(funded.state.balances[1])}\n`);
await printBalances("after:", conn.publicClient, who);
await close();
