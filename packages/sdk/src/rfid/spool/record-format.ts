// On-disk record framing of spool segments: [u32 LE payload length][u32 LE CRC-32 of payload][payload].
// A torn or corrupt tail (a crash in the middle of a write) fails the length or CRC check and is cut.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Bytes of a record header. */
export const HEADER_BYTES = 8;
/** Largest payload a record may hold (16 MiB). */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** Frames one payload. */
export function encodeRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** One decoded record and where it ends in the buffer. */
export interface DecodedRecord {
  payload: Buffer;
  /** Offset just past the record. */
  end: number;
}

/**
 * Decodes the record at `offset`, or returns undefined when the bytes there are not a whole valid
 * record (too short, length out of range, CRC mismatch).
 */
export function decodeRecord(buf: Buffer, offset: number): DecodedRecord | undefined {
  if (buf.length - offset < HEADER_BYTES) return undefined;
  const len = buf.readUInt32LE(offset);
  if (len > MAX_RECORD_BYTES) return undefined;
  const end = offset + HEADER_BYTES + len;
  if (end > buf.length) return undefined;
  const payload = buf.subarray(offset + HEADER_BYTES, end);
  if (crc32(payload) !== buf.readUInt32LE(offset + 4)) return undefined;
  return { payload, end };
}
