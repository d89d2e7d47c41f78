/**
 * The node's metrics, built once per process and handed to components as `Metrics | null`
 * (Lodestar's pattern): a component never creates a metric of its own, so names stay in one place.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  readonly registry: Registry;
  readonly currentView: Gauge;
  readonly finalizedView: Gauge;
  readonly finalizedHeight: Gauge;
  /** Seconds from entering a view to leaving it (by M-notarization or nullification). */
  readonly viewLatency: Histogram;
  /** Seconds from a block's proposal to its finalization, as this validator saw it. */
  readonly finalizationLatency: Histogram;
  readonly votesSent: Counter;
  readonly nullifiesSent: Counter;
  readonly certificates: Counter<"kind">;
  readonly faults: Counter<"kind">;
  readonly peers: Gauge;
  /** Peers cut off for misbehaviour (garbage, bad signatures): their score fell to the ban threshold. */
  readonly peersBanned: Counter;
  readonly mempoolPending: Gauge;
  readonly mempoolQueued: Gauge;
  /** Transactions in final blocks; rate() of it is the finalized tx/s. */
  readonly finalizedTransactions: Counter;
  readonly rpcRequests: Counter<"method">;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/**
 * Resolution of the event-loop delay histogram. prom-client's default (10 ms) wakes an idle process
 * 100 times a second; six validators share two cores here, and lag that matters is tens of ms.
 */
const EVENT_LOOP_PRECISION_MS = 50;

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({
      register: registry,
      prefix: "kairos_process_",
      eventLoopMonitoringPrecision: EVENT_LOOP_PRECISION_MS,
    });
  const registers = [registry];
  return {
    registry,
    currentView: new Gauge({
      name: "kairos_consensus_current_view",
      help: "Current Minimmit view",
      registers,
    }),
    finalizedView: new Gauge({
      name: "kairos_consensus_finalized_view",
      help: "View of the last final block",
      registers,
    }),
    finalizedHeight: new Gauge({
      name: "kairos_chain_finalized_height",
      help: "Number of the last final block",
      registers,
    }),
    viewLatency: new Histogram({
      name: "kairos_consensus_view_seconds",
      help: "Time spent in a view before advancing",
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    finalizationLatency: new Histogram({
      name: "kairos_consensus_finalization_seconds",
      help: "Time from proposal to finalization",
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    votesSent: new Counter({
      name: "kairos_consensus_votes_sent_total",
      help: "Votes this validator signed",
      registers,
    }),
    nullifiesSent: new Counter({
      name: "kairos_consensus_nullifies_sent_total",
      help: "Nullifies this validator signed",
      registers,
    }),
    certificates: new Counter({
      name: "kairos_consensus_certificates_total",
      help: "Certificates formed or received, by kind",
      labelNames: ["kind"] as const,
      registers,
    }),
    faults: new Counter({
      name: "kairos_consensus_faults_total",
      help: "Byzantine faults observed, by kind",
      labelNames: ["kind"] as const,
      registers,
    }),
    peers: new Gauge({ name: "kairos_p2p_peers", help: "Connected peers", registers }),
    peersBanned: new Counter({
      name: "kairos_p2p_peers_banned_total",
      help: "Peers disconnected and refused for misbehaviour",
      registers,
    }),
    mempoolPending: new Gauge({
      name: "kairos_mempool_pending",
      help: "Executable transactions in the pool",
      registers,
    }),
    mempoolQueued: new Gauge({
      name: "kairos_mempool_queued",
      help: "Transactions waiting on a nonce gap or balance",
      registers,
    }),
    finalizedTransactions: new Counter({
      name: "kairos_chain_finalized_transactions_total",
      help: "Transactions in final blocks",
      registers,
    }),
    rpcRequests: new Counter({
      name: "kairos_rpc_requests_total",
      help: "JSON-RPC calls, by method",
      labelNames: ["method"] as const,
      registers,
    }),
  };
}
