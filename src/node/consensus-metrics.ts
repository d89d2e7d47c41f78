/**
 * Feeds the typed metrics (metrics/metrics.ts) from the consensus activity stream: the same stream the
 * consensus visualizer will read. Latencies are measured on this validator's clock.
 */
import type { ValidatorIndex } from "../consensus/application.js";
import type { ConsensusActivity } from "../consensus/engine.js";
import type { Metrics } from "../metrics/metrics.js";

/** Proposals older than this many views without finality are forgotten (they were nullified). */
const PENDING_PROPOSAL_VIEWS = 64;

export function consensusMetricsListener(metrics: Metrics, self: ValidatorIndex) {
  let viewEnteredAt: number | undefined;
  const proposedAt = new Map<string, { at: number; view: number }>();
  return (activity: ConsensusActivity): void => {
    switch (activity.type) {
      case "viewEntered":
        if (viewEnteredAt !== undefined) metrics.viewLatency.observe((activity.at - viewEnteredAt) / 1000);
        viewEnteredAt = activity.at;
        metrics.currentView.set(activity.view);
        for (const [digest, seen] of proposedAt) {
          if (seen.view < activity.view - PENDING_PROPOSAL_VIEWS) proposedAt.delete(digest);
        }
        return;
      case "proposal":
        if (!proposedAt.has(activity.proposal.block.digest)) {
          proposedAt.set(activity.proposal.block.digest, { at: activity.at, view: activity.proposal.view });
        }
        return;
      case "vote":
        if (activity.vote.signer === self) metrics.votesSent.inc();
        return;
      case "nullify":
        if (activity.nullify.signer === self) metrics.nullifiesSent.inc();
        return;
      case "certificate":
        metrics.certificates.inc({ kind: activity.certificate.type });
        return;
      case "finalized": {
        metrics.finalizedView.set(activity.view);
        metrics.finalizedHeight.set(activity.height);
        const proposed = proposedAt.get(activity.digest);
        if (proposed !== undefined) {
          metrics.finalizationLatency.observe((activity.at - proposed.at) / 1000);
          proposedAt.delete(activity.digest);
        }
        return;
      }
      case "fault":
        metrics.faults.inc({ kind: activity.fault.kind });
        return;
      case "error":
        return;
    }
  };
}
