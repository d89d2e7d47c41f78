/** The crypto layer's public API: BLS12-381, key files, secp256k1 sender recovery, worker pools. */
export * from "./bls.js";
export {
  type SignatureSet,
  type SignerSignature,
  verifySameMessage,
  verifySignatureSets,
} from "./blsBatch.js";
export {
  type BlsVerifier,
  PoolBlsVerifier,
  type PoolBlsVerifierOptions,
  SingleThreadBlsVerifier,
} from "./blsVerifier.js";
export { nativeCustomCrypto } from "./customCrypto.js";
export * from "./errors.js";
export * from "./keyFiles.js";
export { nativeKeccak256 } from "./native.js";
export { addressOfPublicKey, type RecoveredSender, recoverSender } from "./sender.js";
export { SenderCache } from "./senderCache.js";
export {
  createSenderRecoveryPool,
  recoverSenders,
  SenderRecovery,
  type SenderRecoveryOptions,
  type SenderResult,
} from "./senderRecovery.js";
export { WorkerPool, type WorkerPoolOptions } from "./workerPool.js";
