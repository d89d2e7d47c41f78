/** The consensus context a header carries in extraData: format byte, view (8 bytes), proposer (4 bytes). */
const FORMAT = 1;
const LENGTH = 13;

export interface ConsensusStamp {
  view: number;
  proposer: number;
}

export class InvalidExtraDataError extends Error {
  readonly code = "INVALID_EXTRA_DATA";
}

export function encodeExtraData(stamp: ConsensusStamp): Uint8Array {
  const bytes = new Uint8Array(LENGTH);
  const view = new DataView(bytes.buffer);
  bytes[0] = FORMAT;
  view.setBigUint64(1, BigInt(stamp.view));
  view.setUint32(9, stamp.proposer);
  return bytes;
}

export function decodeExtraData(bytes: Uint8Array): ConsensusStamp {
  if (bytes.length !== LENGTH || bytes[0] !== FORMAT) {
    throw new InvalidExtraDataError(`extraData is not a Kairos consensus stamp (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { view: Number(view.getBigUint64(1)), proposer: view.getUint32(9) };
}
