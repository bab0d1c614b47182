import type { SecretVault } from '../../secrets.js';
import { type ChannelFailure, parseRetryAfter } from '../channel.js';

/** WhatsApp asks for at most ~1 message per 6 s to the same recipient (131056). */
export const PAIR_RATE_GAP_MS = 6_000;

// Codes from the Cloud API error reference, grouped by what we do about them.
const THROTTLING = new Set([130429, 131056, 80007, 4, 613]);
const TEMPORARY = new Set([1, 2, 131000, 131016, 133004, 131057]);
const NEEDS_TEMPLATE = 131047;

/** Classifies a Cloud API error answer. */
export function classifyWhatsAppError(
  status: number,
  body: unknown,
  headers: Headers,
  vault: SecretVault,
  now: number,
): ChannelFailure {
  const err = (body as { error?: { code?: unknown; message?: unknown; error_data?: { details?: unknown } } })
    ?.error;
  const code = typeof err?.code === 'number' ? err.code : undefined;
  const detail = typeof err?.error_data?.details === 'string' ? `: ${err.error_data.details}` : '';
  const message = vault
    .redact(`${typeof err?.message === 'string' ? err.message : `HTTP ${status}`}${detail}`)
    .slice(0, 500);
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (code === NEEDS_TEMPLATE) {
    return { ok: false, retryable: false, needs_template: true, code: String(code), message, status };
  }
  if (code !== undefined && THROTTLING.has(code)) {
    const floor = code === 131056 ? PAIR_RATE_GAP_MS : 0;
    return {
      ok: false,
      retryable: true,
      throttled: true,
      code: String(code),
      message,
      status,
      ...(retryAfter !== undefined || floor > 0 ? { retry_after_ms: Math.max(retryAfter ?? 0, floor) } : {}),
    };
  }
  if ((code !== undefined && TEMPORARY.has(code)) || status >= 500 || status === 429) {
    return {
      ok: false,
      retryable: true,
      code: code !== undefined ? String(code) : `http_${status}`,
      message,
      status,
      ...(retryAfter !== undefined ? { retry_after_ms: retryAfter } : {}),
    };
  }
  return {
    ok: false,
    retryable: false,
    code: code !== undefined ? String(code) : `http_${status}`,
    message,
    status,
  };
}
