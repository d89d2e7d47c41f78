/** NodeInfo: chain ID, client version and peer facts for web3_/net_/eth_syncing. */
import type { NodeInfo } from "../../rpc/index.js";

export interface PeerSource {
  connectedPeers(): readonly string[];
}

export const CLIENT_VERSION = `kairos/v0.1.0/${process.platform}-${process.arch}/node${process.versions.node}`;

export class ValidatorNodeInfo implements NodeInfo {
  readonly clientVersion = CLIENT_VERSION;

  constructor(
    readonly chainId: bigint,
    private readonly peers: PeerSource,
  ) {}

  peerCount(): number {
    return this.peers.connectedPeers().length;
  }

  listening(): boolean {
    return true;
  }

  /** A validator follows the final head through consensus; catching up happens before the RPC starts. */
  syncing(): false {
    return false;
  }
}
