/** Every failure the SDK reports, with a stable `code` a caller can branch on and the data to act on. */
export type ChannelErrorCode =
  | "INVALID_PARAMS"
  | "INVALID_STATE"
  | "WRONG_CHANNEL"
  | "BAD_SIGNATURE"
  | "HIGH_S_SIGNATURE"
  | "STALE_VERSION"
  | "CONSERVATION"
  | "OVERSPEND"
  | "BALANCE_DECREASE"
  | "DEPOSITS_CHANGED"
  | "FINALIZED"
  | "CONFLICT"
  | "REJECTED"
  | "NOT_OPEN"
  | "CLOSED_TRANSPORT"
  | "TIMEOUT"
  | "NO_STATE";

export class ChannelError extends Error {
  readonly code: ChannelErrorCode;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(code: ChannelErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = "ChannelError";
    this.code = code;
    this.data = data;
  }
}
