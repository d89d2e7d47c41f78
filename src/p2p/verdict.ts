/**
 * What an injected validator says about a message from the network: deliver it (and, for gossip, relay
 * it), drop it quietly (stale, not yet checkable, not our business), or drop it and score the sender
 * down (no honest node would send it: undecodable, bad signature, impossible content).
 */
export type Verdict = "accept" | "ignore" | "reject";
