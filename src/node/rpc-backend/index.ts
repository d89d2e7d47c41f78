/**
 * The RPC's backend for one validator: the execution queries, the simulator, the pool, consensus and
 * the p2p host adapted to src/rpc/backend.ts. `events.blockFinalized` must be registered as a finality
 * hook of the chain application so that subscriptions and filters see each final block.
 */
import { bytesToHex, type Hash, type Hex } from "viem";
import type { ConsensusEngine } from "../../consensus/engine.js";
import type { Blockchain } from "../../execution/blockchain.js";
import { Simulator } from "../../execution/simulate.js";
import type { PoolTransaction, TxPool } from "../../mempool/index.js";
import type { RpcBackend } from "../../rpc/index.js";
import { NodeChainEvents } from "./chain-events.js";
import { BlockchainChainReader } from "./chain-reader.js";
import { EngineConsensusReader, validatorInfo } from "./consensus-reader.js";
import { type PeerSource, ValidatorNodeInfo } from "./node-info.js";
import { TxPoolReader } from "./pool-reader.js";
import { ExecutionSimulatorAdapter } from "./simulator.js";
import { WorldStateReader } from "./state-reader.js";
import { PoolTxSubmitter, type TransactionBroadcaster } from "./tx-submitter.js";

export interface NodeRpcParts {
  readonly chain: Blockchain;
  readonly pool: TxPool;
  readonly engine: ConsensusEngine;
  readonly peers: PeerSource;
  readonly gossip: TransactionBroadcaster;
}

export interface NodeRpcBackend extends RpcBackend {
  readonly events: NodeChainEvents;
}

export function nodeRpcBackend({ chain, pool, engine, peers, gossip }: NodeRpcParts): NodeRpcBackend {
  const headerView = (block: { hash(): Uint8Array; header: { number: bigint; extraData: Uint8Array } }) => ({
    hash: bytesToHex(block.hash()) as Hash,
    number: block.header.number,
    extraData: bytesToHex(block.header.extraData) as Hex,
  });
  const consensus = new EngineConsensusReader(
    engine,
    validatorInfo(chain.genesis.validators),
    {
      finalHeadNumber: () => chain.finalHead.header.number,
      header: async (number) => {
        const block = await chain.finalBlockAt(number);
        return block === undefined ? undefined : headerView(block);
      },
      headerByHash: async (hash) => {
        const block = await chain.finalBlock(hash);
        return block === undefined ? undefined : headerView(block);
      },
    },
    { lNotarization: (view) => chain.storage.certificates.get(view, "lNotarization") },
  );
  const events = new NodeChainEvents({
    on: (_event, listener: (tx: PoolTransaction) => void) => pool.events.on("pending", listener),
    off: (_event, listener: (tx: PoolTransaction) => void) => pool.events.off("pending", listener),
  });
  return {
    node: new ValidatorNodeInfo(chain.genesis.chainId, peers),
    chain: new BlockchainChainReader(chain),
    state: new WorldStateReader(chain),
    simulator: new ExecutionSimulatorAdapter(new Simulator(chain)),
    submitter: new PoolTxSubmitter(chain.common, pool, gossip),
    pool: new TxPoolReader(pool),
    consensus,
    events,
  };
}
