/** Two Channel objects (alice = participant 0, bob = 1) over a given transport pair, funded off-chain. */
import { Channel } from "../../../src/channels/channel.js";
import { channelId } from "../../../src/channels/channelId.js";
import { MemoryDepositLedger } from "../../../src/channels/memoryLedger.js";
import { nativeCrypto, nativeSigner } from "../../../src/channels/nativeCrypto.js";
import { type ChannelStore, MemoryChannelStore } from "../../../src/channels/store.js";
import type { ChannelTransport } from "../../../src/channels/transport.js";
import { CHAIN_ID, DEV_KEYS, domain, params } from "./fixtures.js";

export const id = channelId(params, CHAIN_ID, domain.adjudicator);
export const crypto = nativeCrypto(domain);
export const aliceSigner = nativeSigner(DEV_KEYS[0]);
export const bobSigner = nativeSigner(DEV_KEYS[1]);
export const carolSigner = nativeSigner(DEV_KEYS[2]);

export function channelFor(
  me: 0 | 1,
  transport: ChannelTransport,
  store: ChannelStore = new MemoryChannelStore(),
  ledger: MemoryDepositLedger = new MemoryDepositLedger(),
): Promise<Channel> {
  return Channel.create({
    params,
    domain,
    me,
    signer: me === 0 ? aliceSigner : bobSigner,
    crypto,
    transport,
    store,
    depositLedger: ledger,
    timeoutMs: 5_000,
  });
}

/** Opens alice→bob with `deposit` credited to alice in a shared off-chain ledger. */
export async function openFunded(
  transports: [ChannelTransport, ChannelTransport],
  deposit: bigint,
  stores: [ChannelStore, ChannelStore] = [new MemoryChannelStore(), new MemoryChannelStore()],
): Promise<[Channel, Channel]> {
  const ledger = new MemoryDepositLedger();
  const a = await channelFor(0, transports[0], stores[0], ledger);
  const b = await channelFor(1, transports[1], stores[1], ledger);
  await a.open(0n);
  ledger.credit(id, 0, deposit);
  await a.fund(deposit);
  return [a, b];
}
