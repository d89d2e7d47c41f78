/**
 * Errors raised by the p2p layer. Each carries a stable `code` and the data a caller acts on
 * (which peer, which limit), never a bare string.
 */

export type P2pErrorCode =
  | "MALFORMED_MESSAGE"
  | "MESSAGE_TOO_LARGE"
  | "NOT_A_VALIDATOR"
  | "REQUEST_TIMEOUT"
  | "SYNC_REQUEST_FAILED"
  | "SYNC_REMOTE_ERROR"
  | "NO_PEERS"
  | "PEER_BANNED"
  | "INVALID_PEER_ADDRESS";

export class P2pError<D extends object = object> extends Error {
  constructor(
    readonly code: P2pErrorCode,
    message: string,
    readonly data: D,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * What an injected decoder throws when bytes from the network do not decode. The p2p layer treats any
 * exception from a decoder as malformed input, but decoders should prefer this class so the reason is kept.
 */
export class MalformedMessageError extends P2pError<{ reason: string }> {
  constructor(reason: string, options?: ErrorOptions) {
    super("MALFORMED_MESSAGE", `malformed message: ${reason}`, { reason }, options);
  }
}

export class MessageTooLargeError extends P2pError<{ size: number; limit: number }> {
  constructor(size: number, limit: number) {
    super("MESSAGE_TOO_LARGE", `message of ${size} bytes exceeds the limit of ${limit}`, { size, limit });
  }
}

export class RequestTimeoutError extends P2pError<{ peer: string; timeoutMs: number }> {
  constructor(peer: string, timeoutMs: number) {
    super("REQUEST_TIMEOUT", `peer ${peer} did not answer within ${timeoutMs} ms`, { peer, timeoutMs });
  }
}

/** The remote sync server answered with an error status instead of data. */
export class SyncRemoteError extends P2pError<{ peer: string; status: string; detail: string }> {
  constructor(peer: string, status: string, detail: string) {
    super("SYNC_REMOTE_ERROR", `peer ${peer} answered ${status}: ${detail}`, { peer, status, detail });
  }
}

/** Every candidate peer failed; `attempts` says why, peer by peer. */
export class SyncRequestFailedError extends P2pError<{ attempts: { peer: string; error: string }[] }> {
  constructor(attempts: { peer: string; error: string }[]) {
    super(
      attempts.length === 0 ? "NO_PEERS" : "SYNC_REQUEST_FAILED",
      attempts.length === 0
        ? "no peer to send the sync request to"
        : `sync request failed on ${attempts.length} peer(s): ${attempts.map((a) => `${a.peer}: ${a.error}`).join("; ")}`,
      { attempts },
    );
  }
}

export class InvalidPeerAddressError extends P2pError<{ address: string }> {
  constructor(address: string, reason: string, options?: ErrorOptions) {
    super("INVALID_PEER_ADDRESS", `peer address ${address}: ${reason}`, { address }, options);
  }
}
