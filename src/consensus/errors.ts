/** Typed errors of the consensus module: each has a stable `code` and the data to act on. */

export class ConsensusConfigError extends Error {
  readonly code = "CONSENSUS_CONFIG";
  constructor(
    message: string,
    readonly data: Record<string, number | string>,
  ) {
    super(message);
    this.name = "ConsensusConfigError";
  }
}

/** Thrown by the wire codecs on bytes that are not a well-formed consensus message. */
export class WireDecodeError extends Error {
  readonly code = "CONSENSUS_WIRE_DECODE";
  constructor(
    message: string,
    readonly data: { offset: number; length: number },
  ) {
    super(message);
    this.name = "WireDecodeError";
  }
}

/** Thrown when a certificate does not carry its quorum of valid, distinct signers. */
export class InvalidCertificateError extends Error {
  readonly code = "CONSENSUS_INVALID_CERTIFICATE";
  constructor(
    message: string,
    readonly data: { type: string; view: number; signers: number; quorum: number },
  ) {
    super(message);
    this.name = "InvalidCertificateError";
  }
}
