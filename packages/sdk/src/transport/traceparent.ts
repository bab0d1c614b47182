// W3C trace context: one trace id per client call (the correlation id in logs), one span id per attempt.

function hex(bytes: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += Math.floor(random() * 256)
      .toString(16)
      .padStart(2, '0');
  return /^0+$/.test(out) ? `${out.slice(0, -1)}1` : out;
}

/** A new 32-hex-digit trace id. */
export function newTraceId(random: () => number): string {
  return hex(16, random);
}

/** A `traceparent` header value for `traceId` with a fresh span id. */
export function buildTraceparent(traceId: string, random: () => number): string {
  return `00-${traceId}-${hex(8, random)}-01`;
}

/** The trace id of a `traceparent` value, or undefined when it is malformed. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const m = traceparent && /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent);
  return m ? m[1] : undefined;
}
