import { timingSafeEqual } from 'node:crypto';
import { NotifyError } from '../errors.js';
import type { SecretInput, SecretVault } from '../secrets.js';
import type { Incident } from '../stages/escalate.js';
import type { IngestInput } from '../stages/ingest.js';
import type { Silence, SilenceInput } from '../stages/silence.js';
import type { AcknowledgeInput, AcknowledgeResult, AlertRecord, IngestResult } from '../types.js';
import { convertPostableAlerts } from './alertmanager-alerts.js';
import { buildBinaryCloudEvent, isBinaryCloudEvent } from './cloudevents-binary.js';
import { isJsonMediaType } from './media-type.js';
import { DEFAULT_MAX_BODY_BYTES, type PreflightHandler, readBodyCapped } from './preflight.js';

/** What the HTTP API drives (a NotifyEngine fits). */
export interface NotifyApiTarget {
  ingest(input: IngestInput): Promise<IngestResult>;
  acknowledge(input: AcknowledgeInput): Promise<AcknowledgeResult>;
  addSilence(input: SilenceInput): Promise<Silence>;
  expireSilence(id: string): Promise<Silence | undefined>;
  listSilences(): Silence[];
  inspect(): { alerts: AlertRecord[]; incidents?: Incident[] };
}

/** Options of the HTTP API handler. */
export interface NotifyApiOptions {
  engine: NotifyApiTarget;
  vault: SecretVault;
  /** Bearer token required on every request; none = open (put it behind your own auth). */
  token?: SecretInput;
  /**
   * Operators by name with their bearer tokens. `POST /acks` needs one of these tokens and records
   * the operator's name as who acknowledged; an operator token is accepted wherever `token` is.
   */
  operators?: Readonly<Record<string, SecretInput>>;
  /** Path prefix, default `/notify`. */
  basePath?: string;
  /** Largest request body, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
}

const SILENCE_FIELDS = new Set(['matchers', 'ends_at', 'created_by', 'starts_at', 'comment']);

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function problem(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } });
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

async function readJson(request: Request, max: number): Promise<unknown> {
  const type = request.headers.get('content-type');
  if (type !== null && !isJsonMediaType(type)) {
    throw new NotifyError('unsupported_media_type', `api: expected a JSON body, got ${type}`);
  }
  const bytes = await readBodyCapped(request, max);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NotifyError('input_invalid', 'api: body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new NotifyError('input_invalid', 'api: body is not JSON');
  }
}

function objectBody(body: unknown, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new NotifyError('input_invalid', `api: ${what}: (root): expected a JSON object`);
  }
  return body as Record<string, unknown>;
}

function str(v: unknown, field: string, max = 320): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw new NotifyError('input_invalid', `api: ${field}: expected a string of 1–${max} characters`);
  }
  return v;
}

/**
 * The engine's HTTP API as a Fetch API handler:
 * `POST /events` (one CloudEvent or Alert, or an array), `POST /acks`, `GET /alerts`, `GET /incidents`,
 * `GET /silences`, `POST /silences`, `DELETE /silences/{id}` and Alertmanager's `POST /api/v2/alerts`
 * under `basePath`.
 */
export function createNotifyApiHandler(options: NotifyApiOptions): PreflightHandler {
  const base = (options.basePath ?? '/notify').replace(/\/$/, '');
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const operators = Object.entries(options.operators ?? {});
  const open = options.token === undefined && operators.length === 0;

  /** Who is calling: `service` (the API token), an operator's name, or undefined (refused). */
  const caller = async (request: Request): Promise<{ operator?: string } | undefined> => {
    const auth = request.headers.get('authorization') ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    let found: { operator?: string } | undefined;
    // Every token is compared, so the time taken does not say which one matched.
    for (const [name, ref] of operators) {
      const expected = await options.vault.resolve(ref, `api.operators.${name}`);
      if (given !== undefined && sameToken(given, expected) && !found) found = { operator: name };
    }
    if (options.token !== undefined) {
      const expected = await options.vault.resolve(options.token, 'api.token');
      if (given !== undefined && sameToken(given, expected) && !found) found = {};
    }
    return open ? (found ?? {}) : found;
  };

  const preflight = async (request: Request): Promise<Response | undefined> => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(`${base}/`)) return problem(404, 'not_found', 'no such endpoint');
    if (!(await caller(request))) return problem(401, 'unauthorized', 'missing or wrong bearer token');
    return undefined;
  };

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(`${base}/`)) return problem(404, 'not_found', 'no such endpoint');
    const path = url.pathname.slice(base.length);
    // Authenticated before a byte of the body is read.
    const who = await caller(request);
    if (!who) return problem(401, 'unauthorized', 'missing or wrong bearer token');
    try {
      if (path === '/events' && request.method === 'POST') {
        const body = isBinaryCloudEvent(request.headers)
          ? buildBinaryCloudEvent(request.headers, await readBodyCapped(request, max))
          : await readJson(request, max);
        const list = Array.isArray(body) ? body : [body];
        if (list.length > 1000) return problem(413, 'too_many', 'at most 1000 events per request');
        const results: IngestResult[] = [];
        for (const item of list) results.push(await options.engine.ingest(item as IngestInput));
        return json(202, { results });
      }
      if (path === '/acks' && request.method === 'POST') {
        if (who.operator === undefined) {
          return problem(403, 'ack_forbidden', 'api: acknowledgements need an operator token');
        }
        const body = objectBody(await readJson(request, max), 'POST /acks');
        const input: AcknowledgeInput = {
          // Who acknowledged is the operator the token belongs to, not what the body claims.
          by: who.operator,
          via: 'api',
          ...(body.ack_code !== undefined ? { ack_code: str(body.ack_code, 'ack_code', 32) } : {}),
          ...(body.fingerprint !== undefined
            ? { fingerprint: str(body.fingerprint, 'fingerprint', 64) }
            : {}),
          ...(body.note !== undefined ? { note: str(body.note, 'note', 2000) } : {}),
        };
        if (!input.ack_code && !input.fingerprint)
          return problem(400, 'input_invalid', 'api: ack_code or fingerprint is required');
        return json(200, await options.engine.acknowledge(input));
      }
      if (path === '/api/v2/alerts' && request.method === 'POST') {
        // Alertmanager's answers: 200 without a body, or 400 with the problems as a JSON string
        // (the valid alerts of the request are taken either way).
        const { alerts, errors } = convertPostableAlerts(await readJson(request, max), Date.now());
        for (const [i, alert] of alerts.entries()) {
          try {
            await options.engine.ingest(alert);
          } catch (err) {
            if (!(err instanceof NotifyError) || err.code !== 'input_invalid') throw err;
            errors.push(`alert ${alert.labels.alertname ?? i}: ${err.message}`);
          }
        }
        return errors.length > 0 ? json(400, errors.join('\n')) : new Response(null, { status: 200 });
      }
      if (path === '/incidents' && request.method === 'GET') {
        return json(200, { incidents: options.engine.inspect().incidents ?? [] });
      }
      if (path === '/alerts' && request.method === 'GET') {
        return json(200, { alerts: options.engine.inspect().alerts });
      }
      if (path === '/silences' && request.method === 'GET')
        return json(200, { silences: options.engine.listSilences() });
      if (path === '/silences' && request.method === 'POST') {
        const body = objectBody(await readJson(request, max), 'POST /silences');
        const unknown = Object.keys(body).find((k) => !SILENCE_FIELDS.has(k));
        if (unknown !== undefined)
          return problem(400, 'input_invalid', `api: POST /silences: ${unknown}: unknown field`);
        if (!Array.isArray(body.matchers) || body.matchers.length === 0 || body.matchers.length > 100)
          return problem(
            400,
            'input_invalid',
            'api: POST /silences: matchers: expected an array of 1–100 matchers',
          );
        const silence = await options.engine.addSilence({
          matchers: body.matchers as SilenceInput['matchers'],
          ends_at: str(body.ends_at, 'ends_at', 64),
          created_by: who.operator ?? str(body.created_by, 'created_by'),
          ...(body.starts_at !== undefined ? { starts_at: str(body.starts_at, 'starts_at', 64) } : {}),
          ...(body.comment !== undefined ? { comment: str(body.comment, 'comment', 2000) } : {}),
        });
        return json(201, silence);
      }
      const m = /^\/silences\/([A-Za-z0-9_-]{1,64})$/.exec(path);
      if (m && request.method === 'DELETE') {
        const s = await options.engine.expireSilence(m[1] as string);
        return s ? json(200, s) : problem(404, 'not_found', `no silence ${m[1]}`);
      }
      return problem(404, 'not_found', 'no such endpoint');
    } catch (err) {
      if (err instanceof NotifyError) return problem(STATUS_OF[err.code] ?? 400, err.code, err.message);
      throw err;
    }
  };
  return Object.assign(handler, { preflight });
}

const STATUS_OF: Partial<Record<NotifyError['code'], number>> = {
  unknown_ack_code: 404,
  engine_stopped: 503,
  body_too_large: 413,
  unsupported_media_type: 415,
  ack_forbidden: 403,
};
