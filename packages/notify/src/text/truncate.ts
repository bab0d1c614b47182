// Cutting text to a provider's limit without breaking a character or losing the ack line.

/** Cuts `text` to at most `max` UTF-16 units (what JS `length` and the providers count), never inside a surrogate pair, adding `ellipsis` when cut. */
export function truncateCodePoints(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ellipsis.length);
  // A high surrogate at the cut would leave half an emoji (an unpaired surrogate the API rejects).
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}${ellipsis}`;
}

/**
 * Fits a multi-line message into `max` units with a summary: whole lines from the top while they fit,
 * then `…N more lines not shown`, and the last line kept when it is the ack instruction
 * (`Reply ACK …`), so a long group still tells the reader how to acknowledge.
 */
export function fitWithSummary(text: string, max: number): string {
  if (text.length <= max) return text;
  const lines = text.split('\n');
  const last = lines[lines.length - 1] ?? '';
  const tail = /^Reply ACK /.test(last) ? last : '';
  const body = tail ? lines.slice(0, -1) : lines;
  const kept: string[] = [];
  let used = 0;
  for (let i = 0; i < body.length; i++) {
    const line = body[i] as string;
    const summary = `…${body.length - i - 1} more lines not shown`;
    const budget = max - (tail ? tail.length + 1 : 0) - (summary.length + 1);
    if (used + line.length + 1 > budget) break;
    kept.push(line);
    used += line.length + 1;
  }
  const summary = `…${body.length - kept.length} more lines not shown`;
  const out = [...kept, summary, ...(tail ? [tail] : [])].join('\n');
  return truncateCodePoints(out, max);
}
