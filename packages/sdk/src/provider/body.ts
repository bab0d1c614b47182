// Reading a request body without trusting it: the declared Content-Length is checked before a byte
// is read, the stream is cut at the limit (a chunked upload cannot grow memory past it), the media
// type must be JSON and the bytes must be UTF-8.

/** Why a body was refused, as the status and ErrorBody code to answer with. */
export interface BodyRefusal {
  status: 400 | 413 | 415;
  code: 'payload_too_large' | 'unsupported_media_type' | 'invalid_encoding';
  message: string;
}

/** True for `application/json` and `application/*+json`, with or without parameters. */
export function isJsonMediaType(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type);
}

/** Checks the headers of a JSON body before reading it: media type (415) and declared length (413). */
export function checkBodyHeaders(request: Request, maxBytes: number): BodyRefusal | undefined {
  if (!isJsonMediaType(request.headers.get('content-type'))) {
    return {
      status: 415,
      code: 'unsupported_media_type',
      message: 'the body must be application/json',
    };
  }
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    return { status: 413, code: 'payload_too_large', message: `body over ${maxBytes} bytes` };
  }
  return undefined;
}

/**
 * Reads at most `maxBytes` of the body and decodes it as UTF-8. Stops reading (and cancels the
 * stream) as soon as the limit is passed; invalid UTF-8 is refused, never replaced by U+FFFD.
 */
export async function readJsonText(
  request: Request,
  maxBytes: number,
): Promise<{ text: string } | { refused: BodyRefusal }> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return {
          refused: { status: 413, code: 'payload_too_large', message: `body over ${maxBytes} bytes` },
        };
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return {
      refused: { status: 400, code: 'invalid_encoding', message: 'the body is not valid UTF-8' },
    };
  }
}

/** `decodeURIComponent` that answers undefined for malformed percent-encoding instead of throwing. */
export function safeDecodeURIComponent(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
