/**
 * The consensus module's public surface for the composition root (src/node/) and the p2p layer.
 * Concrete collaborators (network, store, clock, application, signing scheme) are injected.
 */
export type {
  Application,
  BlockContext,
  Digest,
  FinalityProof,
  ProposedBlock,
  ValidatorIndex,
  VerifyResult,
  View,
} from "./application.js";
export { bitmapFromSigners, type SignerBitmap, signersOf } from "./bitmap.js";
export { certificateBytes, verifyCertificate } from "./certificates.js";
export {
  type ActivityListener,
  type Clock,
  type ConsensusActivity,
  ConsensusEngine,
  type EngineDeps,
  type EngineOptions,
  type FetchRequest,
  type Network,
  type SignatureCheck,
  type SignedStore,
  type StoredConsensus,
  type TimerHandle,
  type Verdict,
} from "./engine.js";
export { ConsensusConfigError, InvalidCertificateError, WireDecodeError } from "./errors.js";
export {
  type LeaderSchedule,
  type LeaderScheduleConfig,
  leaderSchedule,
  roundRobin,
  seededRandom,
} from "./leader.js";
export { MemorySignedStore } from "./memory-store.js";
export {
  type Certificate,
  type ConsensusMessage,
  DOMAIN,
  type Notarization,
  type Nullification,
  type Nullify,
  nullifyBytes,
  type Proposal,
  proposalBytes,
  type SignedMessage,
  signedBytes,
  type Vote,
  voteBytes,
} from "./messages.js";
export { maxFaults, type Quorums, quorums } from "./quorums.js";
export { type SigningScheme, SimulatedScheme, type ValidatorSigner } from "./signing.js";
export type { Fault, FinalizedHead } from "./state.js";
export {
  decodeCertificate,
  decodeMessage,
  defaultWireLimits,
  encodeCertificate,
  encodeMessage,
  WIRE_VERSION,
  type WireLimits,
} from "./wire.js";
