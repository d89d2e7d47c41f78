/**
 * Length-prefixed (unsigned varint) framing over libp2p streams, with a hard per-protocol size limit,
 * and the mapping from framing failures to the offence a peer committed.
 */
import type { Stream } from "@libp2p/interface";
import {
  InvalidDataLengthError,
  InvalidDataLengthLengthError,
  InvalidMessageLengthError,
  type LengthPrefixedStream,
  lpStream,
} from "@libp2p/utils";
import type { Offence } from "./peer-score.js";

/**
 * Read-buffer slack beyond two frames. The buffer fills while a frame is being verified and does not
 * push back on the sender, so it must hold an honest burst; an oversized frame is still caught by its
 * length prefix long before the buffer fills.
 */
const BUFFER_SLACK = 1024 * 1024;

export function framedStream(stream: Stream, maxFrameBytes: number): LengthPrefixedStream<Stream> {
  return lpStream(stream, { maxDataLength: maxFrameBytes, maxBufferSize: 2 * maxFrameBytes + BUFFER_SLACK });
}

/**
 * What a failed read means: the stream simply ended (or was reset, aborted, timed out: no one to blame),
 * or the peer broke the framing rules.
 */
export function readFailure(error: unknown): Offence | "end" {
  if (error instanceof InvalidDataLengthError || error instanceof InvalidDataLengthLengthError) {
    return "oversized";
  }
  if (error instanceof InvalidMessageLengthError) return "malformed";
  // UnexpectedEOFError (the peer closed, possibly mid-frame), resets, aborts and timeouts.
  return "end";
}
