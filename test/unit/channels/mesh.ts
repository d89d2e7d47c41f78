/**
 * One Channel per participant of a channel on a real chain, joined by the in-memory mesh: shared by the
 * on-chain tests against anvil and the e2e test on a Kairos node. Dev key i is participant i.
 */
import type { Hex } from "viem";
import { Channel } from "../../../src/channels/channel.js";
import { nativeCrypto, nativeSigner } from "../../../src/channels/nativeCrypto.js";
import { MemoryChannelStore } from "../../../src/channels/store.js";
import { memoryTransportMesh } from "../../../src/channels/transport.js";
import type { ChannelDomain, ChannelParams } from "../../../src/channels/types.js";
import type { ViemAdjudicator } from "../../../src/channels/viemAdjudicator.js";

export async function meshMembers(
  params: ChannelParams,
  domain: ChannelDomain,
  keys: readonly Hex[],
  adjudicatorFor: (key: Hex) => ViemAdjudicator,
) {
  const crypto = nativeCrypto(domain);
  const mesh = memoryTransportMesh(params.participants.length);
  const adjudicators = mesh.map((_, i) => adjudicatorFor(keys[i]));
  const channels = await Promise.all(
    mesh.map((transport, me) =>
      Channel.create({
        params,
        domain,
        crypto,
        window: 64,
        me,
        signer: nativeSigner(keys[me]),
        transport,
        store: new MemoryChannelStore(),
        adjudicator: adjudicators[me],
      }),
    ),
  );
  return { channels, adjudicators };
}

/** The two-party view of meshMembers: alice (0) and bob (1). */
export async function meshPair(...args: Parameters<typeof meshMembers>) {
  const { channels, adjudicators } = await meshMembers(...args);
  return {
    alice: channels[0],
    bob: channels[1],
    adjudicators: { alice: adjudicators[0], bob: adjudicators[1] },
  };
}
