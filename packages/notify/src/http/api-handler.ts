import { timingSafeEqual } from 'node:crypto';
import type { AcknowledgeInput, AcknowledgeResult, IngestResult } from '../engine.js';
import { NotifyError } from '../errors.js';
import type { SecretInput, SecretVault } from '../secrets.js';
import type { IngestInput } from '../stages/ingest.js';
import type { Silence, SilenceInput } from '../stages/silence.js';
import type { AlertRecord } from '../types.js';

/** What the HTTP API drives (a NotifyEngine fits). */
export interface NotifyApiTarget {
  ingest(input: IngestInput): Promise<IngestResult>;
  acknowledge(input: AcknowledgeInput): Promise<AcknowledgeResult>;
  addSilence(input: SilenceInput): Promise<Silence>;
  expireSilence(id: string): Promise<Silence | undefined>;
  listSilences(): Silence[];
  inspect(): { alerts: AlertRecord[] };
}

/** Options of the HTTP API handler. */
export interface NotifyApiOptions {
  engine: NotifyApiTarget;
  vault: SecretVault;
  /** Bearer token required on every request; none = open (put it behind your own auth). */
  token?: SecretInput;
  /** Path prefix, default `/notify`. */
  basePath?: string;
}

const MAX_BODY = 1_048_576;

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

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.length > MAX_BODY) throw new NotifyError('input_invalid', 'api: body larger than 1 MiB');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new NotifyError('input_invalid', 'api: body is not JSON');
  }
}

function str(v: unknown, field: string, max = 320): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) {
    throw new NotifyError('input_invalid', `api: ${field}: expected a string of 1–${max} characters`);
  }
  return v;
}

/**
 * The engine's HTTP API as a Fetch API handler:
 * `POST /events` (one CloudEvent or Alert, or an array), `POST /acks`, `GET /alerts`,
 * `GET /silences`, `POST /silences`, `DELETE /silences/{id}` under `basePath`.
 */
export function createNotifyApiHandler(options: NotifyApiOptions): (request: Request) => Promise<Response> {
  const base = (options.basePath ?? '/notify').replace(/\/$/, '');
  return async (request) => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(`${base}/`)) return problem(404, 'not_found', 'no such endpoint');
    const path = url.pathname.slice(base.length);
    if (options.token !== undefined) {
      const expected = await options.vault.resolve(options.token, 'api.token');
      const auth = request.headers.get('authorization') ?? '';
      if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), expected)) {
        return problem(401, 'unauthorized', 'missing or wrong bearer token');
      }
    }
    try {
      if (path === '/events' && request.method === 'POST') {
        const body = await readJson(request);
        const list = Array.isArray(body) ? body : [body];
        if (list.length > 1000) return problem(413, 'too_many', 'at most 1000 events per request');
        const results: IngestResult[] = [];
        for (const item of list) results.push(await options.engine.ingest(item as IngestInput));
        return json(202, { results });
      }
      if (path === '/acks' && request.method === 'POST') {
        const body = (await readJson(request)) as Record<string, unknown>;
        const input: AcknowledgeInput = {
          by: str(body?.by, 'by'),
          via: 'api',
          ...(body?.ack_code !== undefined ? { ack_code: str(body.ack_code, 'ack_code', 32) } : {}),
          ...(body?.fingerprint !== undefined
            ? { fingerprint: str(body.fingerprint, 'fingerprint', 64) }
            : {}),
          ...(body?.note !== undefined ? { note: str(body.note, 'note', 2000) } : {}),
        };
        if (!input.ack_code && !input.fingerprint)
          return problem(400, 'input_invalid', 'api: ack_code or fingerprint is required');
        return json(200, await options.engine.acknowledge(input));
      }
      if (path === '/alerts' && request.method === 'GET') {
        return json(200, { alerts: options.engine.inspect().alerts });
      }
      if (path === '/silences' && request.method === 'GET')
        return json(200, { silences: options.engine.listSilences() });
      if (path === '/silences' && request.method === 'POST') {
        const body = (await readJson(request)) as Record<string, unknown>;
        if (!Array.isArray(body?.matchers))
          return problem(400, 'input_invalid', 'api: matchers: expected an array');
        const silence = await options.engine.addSilence({
          matchers: body.matchers as SilenceInput['matchers'],
          ends_at: str(body.ends_at, 'ends_at', 64),
          created_by: str(body.created_by, 'created_by'),
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
      if (err instanceof NotifyError) {
        const status = err.code === 'unknown_ack_code' ? 404 : err.code === 'engine_stopped' ? 503 : 400;
        return problem(status, err.code, err.message);
      }
      throw err;
    }
  };
}
