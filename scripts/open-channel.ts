/**
 * Opens an alice → bob USDC channel: both sign the pre-funding state, alice deposits through the
 * adjudicator (native USDC as msg.value), both countersign the funded state.
 *
 *   npx tsx scripts/open-channel.ts [depositUSDC=10]      (RPC_URL, ADJUDICATOR, CHANNEL_DIR optional)
 */
import { parseEther } from "viem";
import {
  adjudicatorAddress,
  connect,
  newParams,
  parties,
  printBalances,
  saveSession,
  usdc,
} from "./lib/channelSession.js";

const deposit = parseEther(process.argv[2] ?? "10");
const conn = await connect();
const adjudicator = await adjudicatorAddress(conn);
const params = newParams(BigInt(process.env.CHALLENGE_PERIOD ?? "3600"));
saveSession(conn.chainId, adjudicator, params);
const { alice, adjudicators, close } = await parties(conn, adjudicator, params);
const who = { alice: params.participants[0], bob: params.participants[1], adjudicator };

await printBalances("before:", conn.publicClient, who);
const funded = await alice.open(deposit);
console.log(`\nchannel ${alice.id} open at version ${funded.state.version}`);
console.log(`  held by the adjudicator: ${usdc(await adjudicators[0].holdings(alice.id))}`);
console.log(`  split: alice ${usdc(funded.state.balances[0])}, bob ${usdc(funded.state.balances[1])}\n`);
await printBalances("after:", conn.publicClient, who);
await close();
