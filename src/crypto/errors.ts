/** Errors of the crypto layer. Each has a stable `code` and the data a caller needs to act on it. */

export class NativeCryptoUnavailableError extends Error {
  readonly code = "NATIVE_CRYPTO_UNAVAILABLE";
  constructor(
    readonly library: string,
    cause: unknown,
  ) {
    super(`native ${library} failed to load (prebuilt binary missing?); refusing to fall back to pure JS`, {
      cause,
    });
    this.name = "NativeCryptoUnavailableError";
  }
}

export type SenderRecoveryErrorCode = "HIGH_S" | "INVALID_SIGNATURE" | "INVALID_V" | "UNSIGNED";

/** A transaction whose sender cannot be recovered; `txHash` names it (an unsigned one has no hash). */
export class SenderRecoveryError extends Error {
  constructor(
    readonly code: SenderRecoveryErrorCode,
    readonly txHash: `0x${string}` | undefined,
    message: string,
  ) {
    super(txHash ? `${message} (tx ${txHash})` : message);
    this.name = "SenderRecoveryError";
  }
}

export type KeyFileErrorCode =
  | "KEY_FILE_MISSING"
  | "KEY_FILE_PERMISSIONS"
  | "KEY_FILE_INVALID"
  | "KEY_FILE_EXISTS";

/** A key file that cannot be used. The message names the file, never its contents. */
export class KeyFileError extends Error {
  constructor(
    readonly code: KeyFileErrorCode,
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "KeyFileError";
  }
}

export class WorkerPoolError extends Error {
  readonly code = "WORKER_POOL";
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "WorkerPoolError";
  }
}
