// What a Fetch API handler may check before its body is read, and a bounded body reader.
import { NotifyError } from '../errors.js';

/** The default cap on a request body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/**
 * A Fetch API handler with an optional `preflight`: given the request without its body, it answers
 * early (401, 404, 405) or returns undefined to go on. Servers call it before reading the body.
 */
export interface PreflightHandler {
  (request: Request): Promise<Response>;
  preflight?: (request: Request) => Promise<Response | undefined>;
}

/**
 * Reads a request body as bytes, refusing a declared `Content-Length` above `max` before reading
 * and stopping as soon as the stream passes it; throws NotifyError(`body_too_large`).
 */
export async function readBodyCapped(request: Request, max: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) throw tooLarge(max);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function tooLarge(max: number): NotifyError {
  return new NotifyError('body_too_large', `api: request body larger than ${max} bytes`);
}
