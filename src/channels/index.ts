/** The state-channel SDK's public surface (see README.md here). */
export { adjudicatorAbi, ChannelStatus } from "./abi.js";
export type { Adjudicator, ChallengedEvent, ChallengeInfo, DepositLedger } from "./adjudicator.js";
export { decodeBatch, encodeBatch } from "./binaryCodec.js";
export { Channel, type ChannelOptions } from "./channel.js";
export { channelId, checkParams, MAX_CHALLENGE_PERIOD, MAX_PARTICIPANTS } from "./channelId.js";
export {
  decodeMessage,
  decodeRecord,
  decodeSignedState,
  encodeMessage,
  encodeRecord,
  encodeSignedState,
} from "./codec.js";
export { accountSigner, checkSignature, type StateCrypto, type StateSigner, viemCrypto } from "./crypto.js";
export { ChannelError, type ChannelErrorCode } from "./errors.js";
export { LevelChannelStore, type LevelChannelStoreOptions } from "./levelStore.js";
export { MemoryDepositLedger } from "./memoryLedger.js";
export type { AcceptMessage, ChannelMessage, ProposeMessage, RejectMessage } from "./messages.js";
export { type NativeSigner, nativeCrypto, nativeKeccak256, nativeSigner } from "./nativeCrypto.js";
export { type PortLike, type PortTransportOptions, portTransport } from "./portTransport.js";
export { isLowS } from "./signature.js";
export {
  checkStateValid,
  checkUpdate,
  finalState,
  MAX_VERSION,
  paymentState,
  prefundState,
} from "./state.js";
export { type ChannelRecord, type ChannelStore, CoalescingWriter, MemoryChannelStore } from "./store.js";
export { type ChannelTransport, memoryTransportMesh, memoryTransportPair } from "./transport.js";
export {
  hashState,
  recoverStateSigner,
  signState,
  stateTypedData,
  stateTypes,
  verifyState,
} from "./typedData.js";
export type { ChannelDomain, ChannelParams, ChannelState, SignedState } from "./types.js";
export { ViemAdjudicator, type ViemAdjudicatorOptions } from "./viemAdjudicator.js";
export { ChannelWatcher, type WatchedChannel, type WatcherEvents } from "./watcher.js";
export { connectWsTransport, listenWsTransport, type WsChannelListener } from "./wsTransport.js";
