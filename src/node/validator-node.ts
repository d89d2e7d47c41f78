/**
 * The composition root of one validator (Lodestar's BeaconNode pattern): it opens storage → execution
 * → mempool → consensus → p2p → rpc → metrics in that order with plain constructor arguments, and
 * closes them in reverse. No other folder wires concrete classes together.
 */
import type { TypedTransaction } from "@ethereumjs/tx";
import { createTxFromRLP } from "@ethereumjs/tx";
import { createAddressFromString } from "@ethereumjs/util";
import { type Address, bytesToHex } from "viem";
import type { KairosConfig } from "../config/index.js";
import type { ValidatorIndex } from "../consensus/application.js";
import { ConsensusEngine, type Network } from "../consensus/engine.js";
import { leaderSchedule } from "../consensus/leader.js";
import type { ConsensusMessage, Proposal } from "../consensus/messages.js";
import { quorums } from "../consensus/quorums.js";
import type { ValidatorSigner } from "../consensus/signing.js";
import { decodeMessage } from "../consensus/wire.js";
import { blsPublicKeyFromBytes } from "../crypto/bls.js";
import { BlsBatcher } from "../crypto/blsBatcher.js";
import { SingleThreadBlsVerifier } from "../crypto/blsVerifier.js";
import type { ValidatorKeys } from "../crypto/keyFiles.js";
import { SenderCache } from "../crypto/senderCache.js";
import { SenderRecovery } from "../crypto/senderRecovery.js";
import { ChainApplication } from "../execution/application.js";
import { Blockchain, type ExecutedBlockRecord } from "../execution/blockchain.js";
import { nextBaseFee } from "../execution/fees.js";
import type { Genesis } from "../execution/genesis.js";
import { sharedCommon } from "../execution/shared-common.js";
import { TxPool } from "../mempool/index.js";
import type { Metrics } from "../metrics/metrics.js";
import { ConsensusChannel } from "../p2p/consensus-channel.js";
import { P2pHost } from "../p2p/host.js";
import { SyncProtocol } from "../p2p/sync.js";
import { TxGossip } from "../p2p/tx-gossip.js";
import { type RpcAddress, RpcServer } from "../rpc/index.js";
import { LevelStore } from "../storage/index.js";
import { catchUp, serveFinalBlocks } from "./block-sync.js";
import { BatchedMessageVerifier, BlsSigningScheme, BlsValidatorSigner } from "./bls-signing.js";
import { consensusMetricsListener } from "./consensus-metrics.js";
import { ConsensusNetwork } from "./consensus-network.js";
import { LatencyTrace } from "./latency-trace.js";
import type { Logger } from "./logger.js";
import { encodeMessageList } from "./message-list.js";
import { PacedApplication } from "./paced-application.js";
import { nodeRpcBackend } from "./rpc-backend/index.js";
import { rpcServerOptions } from "./rpc-backend/options.js";
import { LevelSignedStore } from "./signed-store.js";
import { systemClock } from "./system-clock.js";
import { candidatesOnParent, hasCandidateOnParent } from "./transaction-source.js";

export interface ValidatorNodeOptions {
  config: KairosConfig;
  genesis: Genesis;
  keys: ValidatorKeys;
  logger: Logger;
  metrics?: Metrics | null;
  /**
   * Wraps the consensus network between the engine and libp2p. Only the end-to-end tests' Byzantine
   * harness uses it (to equivocate); a validator run by `kairos node` never does.
   */
  decorateNetwork?: (network: Network, context: NetworkContext) => Network;
}

/** What a network decorator may use to sign messages of its own. */
export interface NetworkContext {
  index: ValidatorIndex;
  validators: number;
  namespace: Uint8Array;
  signer: ValidatorSigner;
}

export class ValidatorNodeError extends Error {
  constructor(
    readonly code: "NOT_A_VALIDATOR" | "VALIDATOR_SET_MISMATCH",
    message: string,
  ) {
    super(message);
  }
}

/** The chain ID as 8 big-endian bytes: the namespace every consensus signature commits to. */
export function consensusNamespace(chainId: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, chainId);
  return bytes;
}

export class ValidatorNode {
  private readonly closers: (() => Promise<void> | void)[] = [];
  /** Where the JSON-RPC server listens (HTTP and WebSocket). */
  rpc: RpcAddress | undefined;

  private constructor(
    readonly index: ValidatorIndex,
    readonly chain: Blockchain,
    readonly pool: TxPool,
    readonly engine: ConsensusEngine,
    readonly host: P2pHost,
    readonly txGossip: TxGossip,
    private readonly log: Logger,
  ) {}

  static async open(options: ValidatorNodeOptions): Promise<ValidatorNode> {
    const { config, genesis, keys, logger } = options;
    const validators = [...genesis.validators].sort((a, b) => a.index - b.index);
    validators.forEach((validator, position) => {
      if (validator.index !== position) {
        throw new ValidatorNodeError("VALIDATOR_SET_MISMATCH", "validator indices must be 0 … n − 1");
      }
    });
    if (validators.length !== config.consensus.n) {
      throw new ValidatorNodeError(
        "VALIDATOR_SET_MISMATCH",
        `consensus.n is ${config.consensus.n} but the genesis lists ${validators.length} validators`,
      );
    }
    const ownKey = bytesToHex(keys.bls.toPublicKey().toBytes(true));
    const index = validators.findIndex((v) => v.blsPublicKey.toLowerCase() === ownKey);
    if (index < 0)
      throw new ValidatorNodeError(
        "NOT_A_VALIDATOR",
        `BLS key ${ownKey} is not in the genesis validator set`,
      );
    const log = logger.child({ node: `validator${index}` });
    const closers: (() => Promise<void> | void)[] = [];
    const finalityHooks: ((record: ExecutedBlockRecord) => void)[] = [];
    const close = async () => {
      for (const closer of closers.reverse()) await closer();
    };

    try {
      // Storage and execution.
      const store = await LevelStore.open(config.storage.path);
      closers.push(() => store.close());
      const chain = await Blockchain.open(store, genesis);
      log.info({ head: Number(chain.finalHead.header.number), genesis: chain.genesisHash }, "chain opened");

      // Mempool.
      const recovery = new SenderRecovery({ cache: new SenderCache() });
      const pool = new TxPool({
        options: {
          chainId: genesis.chainId,
          baseFee: nextHeaderBaseFee(chain),
          blockGasLimit: chain.finalHead.header.gasLimit,
          maxTransactions: config.mempool.maxCount,
          maxBytes: config.mempool.maxBytes,
          maxPerSender: config.mempool.slotsPerSender,
          maxTxBytes: config.mempool.maxTxSize,
          priceBumpPercent: BigInt(config.mempool.priceBumpPercent),
          minFeeCap: config.mempool.minFeeCap > 0n ? config.mempool.minFeeCap : 1n,
        },
        state: finalStateReader(chain),
        recovery: { recover: (tx: TypedTransaction) => recovery.recover(tx).address },
      });

      // Timestamps along a transaction's path, for bench/devnet.ts --trace (log level "trace").
      const traceLog = log.child({ module: "trace" });
      const trace = traceLog.isLevelEnabled("trace") ? new LatencyTrace(traceLog) : undefined;
      if (trace !== undefined) pool.events.on("pending", (tx) => trace.pending(tx.hash));

      // Consensus.
      const publicKeys = validators.map((v) => blsPublicKeyFromBytes(hexBytes(v.blsPublicKey)));
      const scheme = new BlsSigningScheme(publicKeys);
      // Votes at n = 6 come in batches of at most five: the calling thread verifies them faster than
      // a worker round trip would (bench/latency.md).
      const messageVerifier = new BatchedMessageVerifier(
        publicKeys,
        new BlsBatcher({
          verifier: new SingleThreadBlsVerifier(),
          ...(trace !== undefined ? { onBatch: (batch) => trace.blsBatch(batch) } : {}),
        }),
      );
      const namespace = consensusNamespace(genesis.chainId);
      const chainApplication = new ChainApplication(
        chain,
        {
          // A quarter of the view: the block must still travel and be verified by everyone in time.
          candidates: (parent) => candidatesOnParent(pool, chain, parent, config.consensus.viewTimeoutMs / 4),
        },
        // Blocks to verify reuse the senders the pool recovered on entry.
        { listeners: [{ blockFinalized: (record) => onFinal(record) }], senders: recovery },
      );
      const application = new PacedApplication(
        trace?.application(chainApplication, "chain") ?? chainApplication,
        {
          hasPending: (parent) => hasCandidateOnParent(pool, chain, parent),
          onPending: (listener) => {
            pool.events.on("pending", listener);
            return () => pool.events.off("pending", listener);
          },
        },
        {
          isFinal: async (digest) => (await chain.finalBlock(digest)) !== undefined,
          isKnown: async (digest) => (await chain.header(digest)) !== undefined,
        },
        config.consensus.emptyBlockIntervalMs,
        config.consensus.viewTimeoutMs,
      );
      const signedStore = new LevelSignedStore(store);

      // P2P.
      const host = await P2pHost.create({
        privateKey: keys.libp2p,
        listen: [`/ip4/${config.p2p.listenAddress}/tcp/${config.p2p.port}`],
        peers: config.p2p.bootstrapPeers,
        pubsub: { maxMessageBytes: config.mempool.maxTxSize },
        logger: log.child({ module: "p2p" }),
        onPeerBanned: (peer, score) => {
          log.warn({ peer, score }, "peer banned");
          options.metrics?.peersBanned.inc();
        },
      });
      const peerIds = validators.map((v) => v.peerId);
      let engine: ConsensusEngine | undefined;
      // Set once the network exists: it learns from every arriving message which view its sender reached.
      let heard: ConsensusNetwork | undefined;
      const channel = new ConsensusChannel<ConsensusMessage>(host, {
        validators: peerIds,
        decode: (bytes) => decodeMessage(bytes),
        verify: (message, from) => {
          heard?.heard(from, message);
          return engine === undefined ? "ignore" : messageVerifier.verify(engine, message);
        },
        onMessage: (message) => engine?.receive(message),
        maxMessageBytes: config.p2p.maxMessageSize,
        logger: log.child({ module: "consensus-channel" }),
      });
      const sync = new SyncProtocol(host, {
        logger: log.child({ module: "sync" }),
        handler: async (request, { maxBytes }) => {
          if (request.kind === "final-blocks")
            return serveFinalBlocks(chain, request.from, request.count, maxBytes);
          if (engine === undefined) return null;
          const messages =
            request.kind === "block"
              ? engine.answer({ type: "block", digest: request.digest, since: 0 })
              : Array.from({ length: request.count }, (_, i) =>
                  engine!.answer({ type: "certificate", view: Number(request.from) + i }),
                ).flat();
          return messages.length === 0 ? null : encodeMessageList(messages);
        },
      });
      const signer = new BlsValidatorSigner(index, keys.bls);
      const network = new ConsensusNetwork(
        channel,
        sync,
        peerIds,
        log.child({ module: "consensus-network" }),
        {
          self: index,
          f: quorums(validators.length, config.consensus.f).f,
          fallbackMs: config.consensus.viewTimeoutMs,
        },
      );
      heard = network;
      closers.push(() => network.close());
      engine = new ConsensusEngine(
        {
          validators: validators.length,
          f: config.consensus.f,
          signer,
          namespace,
          deltaMs: Math.max(1, Math.floor(config.consensus.viewTimeoutMs / 2)),
          leaders: leaderSchedule(
            validators.length,
            config.consensus.leaderSchedule === "random"
              ? { kind: "seededRandom", seed: config.consensus.leaderSeed }
              : { kind: "roundRobin" },
          ),
        },
        {
          clock: systemClock,
          network:
            options.decorateNetwork?.(network, { index, validators: validators.length, namespace, signer }) ??
            network,
          store: signedStore,
          application: trace?.application(application, "paced") ?? application,
          scheme,
        },
      );
      network.attach(engine);
      application.attachProposals({
        chainTo: (digest) =>
          engine!.answer({ type: "block", digest, since: engine!.finalized().view }) as Proposal[],
        fetch: (digest) => network.fetch({ type: "block", digest, since: engine!.finalized().view }),
      });
      const metrics = options.metrics ?? null;
      if (metrics !== null) {
        engine.subscribe(consensusMetricsListener(metrics, index));
        const poolGauges = () => {
          const status = pool.status();
          metrics.mempoolPending.set(status.pending);
          metrics.mempoolQueued.set(status.queued);
        };
        pool.events.on("pending", poolGauges);
        // On connection changes rather than on a timer: an idle validator should not wake to count peers.
        const peerGauge = () => metrics.peers.set(host.connectedPeers().length);
        host.libp2p.addEventListener("peer:connect", peerGauge);
        host.libp2p.addEventListener("peer:disconnect", peerGauge);
        closers.push(() => {
          host.libp2p.removeEventListener("peer:connect", peerGauge);
          host.libp2p.removeEventListener("peer:disconnect", peerGauge);
        });
        finalityHooks.push((record) => {
          metrics.finalizedTransactions.inc(record.block.transactions.length);
          poolGauges();
        });
      }
      if (trace !== undefined) engine.subscribe(trace.activity);
      const consensusLog = log.child({ module: "consensus" });
      engine.subscribe((activity) => {
        if (activity.type === "finalized") {
          consensusLog.info(
            { height: activity.height, view: activity.view, hash: activity.digest },
            "finalized",
          );
        } else if (activity.type === "fault") consensusLog.warn({ fault: activity.fault }, "fault observed");
        else if (activity.type === "error")
          consensusLog.error({ error: activity.error.message }, "consensus stopped");
        else if (activity.type === "viewEntered") consensusLog.debug({ view: activity.view }, "view entered");
      });

      const txGossip = new TxGossip(host, {
        validate: async (raw) => {
          try {
            await pool.add(createTxFromRLP(raw, { common: sharedCommon(chain.common) }) as never);
            return "accept";
          } catch {
            return "ignore";
          }
        },
        onTransaction: () => {},
        maxTxBytes: config.mempool.maxTxSize,
        directPeers: peerIds,
        logger: log.child({ module: "tx-gossip" }),
      });

      const onFinal = async (record: ExecutedBlockRecord) => {
        for (const hook of finalityHooks) hook(record);
        const touched = new Set<Address>();
        // Senders from the receipts: getSenderAddress hashes the public key again for every transaction.
        for (const [index, tx] of record.block.transactions.entries()) {
          touched.add(bytesToHex(record.receipts[index].sender) as Address);
          if (tx.to !== undefined) touched.add(tx.to.toString() as Address);
        }
        await pool.onFinalized({
          baseFee: nextHeaderBaseFee(chain),
          included: record.block.transactions.map((tx) => bytesToHex(tx.hash())),
          touched,
        });
      };

      await host.start();
      closers.push(() => host.stop());
      await channel.start();
      closers.push(() => channel.stop());
      await sync.start();
      closers.push(() => sync.stop());
      await txGossip.start();
      closers.push(() => txGossip.stop());

      // Catch up on final blocks first; consensus then starts from the synced head.
      const synced = await catchUp({ chain, application, sync, quorums: engine.quorums, scheme, namespace });
      if (synced !== undefined) {
        const stored = await signedStore.load();
        if ((stored.finalized?.height ?? 0) < synced.height) await signedStore.saveFinalized(synced);
        log.info({ height: synced.height }, "synced final blocks from peers");
      }
      await engine.start();
      closers.push(async () => {
        engine!.stop();
        // Let a store write or a block commit already under way finish before LevelDB closes.
        await engine!.idle();
      });

      // JSON-RPC last (closed first): it reads the chain and submits through the pool and gossip.
      const backend = nodeRpcBackend({ chain, pool, engine, peers: host, gossip: txGossip });
      finalityHooks.push((record) => backend.events.blockFinalized(record));
      const rpcServer = new RpcServer(backend, rpcServerOptions(config.rpc), {
        logger: log.child({ module: "rpc" }),
        ...(metrics !== null ? { callCounter: metrics.rpcRequests } : {}),
      });
      const rpcAddress = await rpcServer.start();
      closers.push(() => rpcServer.close());

      const node = new ValidatorNode(index, chain, pool, engine, host, txGossip, log);
      node.rpc = rpcAddress;
      node.closers.push(...closers);
      return node;
    } catch (error) {
      await close();
      throw error;
    }
  }

  /** Submit a raw transaction as this node's RPC would: into the pool, then gossiped. */
  async submit(raw: Uint8Array): Promise<`0x${string}`> {
    const tx = createTxFromRLP(raw, { common: sharedCommon(this.chain.common) });
    const pooled = await this.pool.add(tx as never, { local: true });
    this.txGossip.publish(raw).catch(() => {});
    return pooled.hash;
  }

  async close(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    for (const closer of closers) {
      try {
        await closer();
      } catch (error) {
        this.log.warn({ error: String(error) }, "error while closing");
      }
    }
  }
}

function nextHeaderBaseFee(chain: Blockchain): bigint {
  const head = chain.finalHead.header;
  return nextBaseFee(
    { gasUsed: head.gasUsed, gasLimit: head.gasLimit, baseFeePerGas: head.baseFeePerGas ?? 0n },
    chain.genesis.feeParams,
  );
}

/** The pool reads accounts from the latest final state. */
function finalStateReader(chain: Blockchain) {
  const account = async (address: Address) => {
    const state = await chain.world.readView(chain.finalHead.header.stateRoot);
    return state.getAccount(createAddressFromString(address));
  };
  return {
    nonce: async (address: Address) => (await account(address))?.nonce ?? 0n,
    balance: async (address: Address) => (await account(address))?.balance ?? 0n,
  };
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));
}
