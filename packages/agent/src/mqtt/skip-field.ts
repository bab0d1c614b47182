// Top-level Protobuf wire format (https://protobuf.dev/programming-guides/encoding/, "Message
// Structure": each record is a varint tag `field_number << 3 | wire_type`, then a varint (0), 8 bytes
// (1), a varint length and that many bytes (2), or 4 bytes (5); groups (3, 4) are not used by ChirpStack).

/** The end offset of the varint starting at `at`, or -1 when it runs past `end` or over 10 bytes. */
function varintEnd(buf: Uint8Array, at: number, end: number): number {
  for (let i = at; i < end && i < at + 10; i++) if ((buf[i] as number) < 0x80) return i + 1;
  return -1;
}

/** The value of the varint at `at` (lengths only: at most 2^53). */
function varintValue(buf: Uint8Array, at: number, stop: number): number {
  let value = 0;
  let scale = 1;
  for (let i = at; i < stop; i++) {
    value += ((buf[i] as number) & 0x7f) * scale;
    scale *= 128;
  }
  return value;
}

/**
 * `payload` without the top-level length-delimited records of `field` (e.g. UplinkEvent's `object`
 * Struct when the event keeps no payload: decoding it cost more than the rest of the message). Returns
 * `payload` itself when the field is absent or the bytes are not well-formed, so the real decoder still
 * reports malformed input as before.
 */
export function withoutField(payload: Uint8Array, field: number): Uint8Array {
  const end = payload.length;
  const cut: [number, number][] = [];
  let at = 0;
  while (at < end) {
    const tagEnd = varintEnd(payload, at, end);
    if (tagEnd < 0) return payload;
    const tag = varintValue(payload, at, tagEnd);
    const wire = tag % 8;
    let next: number;
    if (wire === 0) next = varintEnd(payload, tagEnd, end);
    else if (wire === 1) next = tagEnd + 8;
    else if (wire === 5) next = tagEnd + 4;
    else if (wire === 2) {
      const lenEnd = varintEnd(payload, tagEnd, end);
      if (lenEnd < 0) return payload;
      next = lenEnd + varintValue(payload, tagEnd, lenEnd);
    } else return payload;
    if (next < 0 || next > end) return payload;
    if (wire === 2 && Math.floor(tag / 8) === field) cut.push([at, next]);
    at = next;
  }
  if (cut.length === 0) return payload;
  const out = new Uint8Array(end - cut.reduce((n, [a, b]) => n + (b - a), 0));
  let from = 0;
  let to = 0;
  for (const [a, b] of cut) {
    out.set(payload.subarray(from, a), to);
    to += a - from;
    from = b;
  }
  out.set(payload.subarray(from), to);
  return out;
}
