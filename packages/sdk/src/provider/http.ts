import { createHash } from 'node:crypto';
import {
  type ApiContract,
  type ApiOperation,
  deprecationHeaders,
  formatPath,
  safeParseContract,
} from '@fieldops/contracts';
import { checkBodyHeaders, readJsonText, safeDecodeURIComponent } from './body.js';
import { ProviderError } from './errors.js';
import type { IdempotencyStore, StoredResponse } from './idempotency-store.js';

/** A framework-agnostic HTTP handler (Fetch API): works in node:http (see serveFetchHandler), MSW, Bun, Deno, workers. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** What a route implementation receives: validated input. */
export interface RouteInput {
  request: Request;
  /** Validated path parameters. */
  params: Record<string, string>;
  /** Query parameters (raw strings; a route validates its own query schema). */
  query: URLSearchParams;
  /** The request body parsed and validated against the operation's requestBody contract. */
  body: unknown;
  requestId: string;
  /** Who sent the request, as `authenticate` answered (anonymous when the handler has no authentication). */
  caller: ProviderCaller;
}

/**
 * Who a request comes from. `scope` keeps callers apart: Idempotency-Keys are scoped to it, so one
 * caller never gets another's stored answer. `stationId` is set for an RFID station token.
 */
export interface ProviderCaller {
  kind: 'operator' | 'station' | 'anonymous';
  scope: string;
  stationId?: string;
}

/** What `authenticate` may answer: a verdict, or the caller itself (scoping its requests). */
export type AuthenticateResult = boolean | ProviderCaller | undefined;

/** What a route answers: status, JSON body and extra headers. */
export interface RouteOutput {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One implemented operation. */
export type RouteImpl = (input: RouteInput) => Promise<RouteOutput>;

/** Options shared by the provider handlers. */
export interface ProviderHandlerOptions {
  /** Path prefix before `/api/v1` (e.g. `/rfid`); default none. */
  basePath?: string;
  /** Checks the bearer token of operations that need one; default: every request is allowed. */
  authenticate?: (
    token: string | undefined,
    operationId: string,
  ) => AuthenticateResult | Promise<AuthenticateResult>;
  /** Idempotency-Key storage; default an in-memory store. */
  idempotency?: IdempotencyStore;
  /** Largest request body in bytes; default 1 MiB (larger is 413). */
  maxBodyBytes?: number;
  /** Request id maker; default random. */
  newRequestId?: () => string;
}

/** A JSON response. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A response carrying the contracts' ErrorBody. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  requestId: string,
  extra: {
    contract?: string | undefined;
    details?: { path: string; message: string }[] | undefined;
    headers?: Record<string, string>;
  } = {},
): Response {
  const error: Record<string, unknown> = { code, message, request_id: requestId };
  if (extra.contract) error.contract = extra.contract;
  if (extra.details) error.details = extra.details;
  return jsonResponse(status, { error }, { 'x-request-id': requestId, ...extra.headers });
}

/** Canonical JSON (sorted keys) so equal bodies have equal fingerprints whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

interface CompiledRoute {
  op: ApiOperation;
  re: RegExp;
  names: string[];
}

const COMPILED = new WeakMap<ApiContract, Map<string, CompiledRoute[]>>();

function compile(api: ApiContract, basePath: string): CompiledRoute[] {
  let byBase = COMPILED.get(api);
  if (!byBase) {
    byBase = new Map();
    COMPILED.set(api, byBase);
  }
  const cached = byBase.get(basePath);
  if (cached) return cached;
  const routes = api.operations.map((op) => {
    const names: string[] = [];
    const pattern = op.path
      .replace(/[.*+?^${}()|[\]\\]/g, (ch) => (ch === '{' || ch === '}' ? ch : `\\${ch}`))
      .replace(/\{([^}]+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
    return { op, re: new RegExp(`^${basePath}${pattern}$`), names };
  });
  byBase.set(basePath, routes);
  return routes;
}

/** Which operation of `api` a method + path is, with its raw path parameters (for routers and fault injection). */
export function matchOperation(
  api: ApiContract,
  method: string,
  pathname: string,
  basePath = '',
): { op: ApiOperation; params: Record<string, string> } | undefined {
  for (const r of compile(api, basePath)) {
    const m = r.re.exec(pathname);
    if (m && r.op.method === method.toLowerCase()) {
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        params[n] = safeDecodeURIComponent(m[i + 1]!) ?? m[i + 1]!;
      });
      return { op: r.op, params };
    }
  }
  return undefined;
}

const ANONYMOUS: ProviderCaller = { kind: 'anonymous', scope: 'anonymous' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let requestCounter = 0;
const defaultRequestId = () =>
  `req_${Date.now().toString(36)}${(++requestCounter).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

/**
 * Builds a Fetch API handler for an API contract from one implementation per operation: routing,
 * bearer auth, body size limit, input validation against the contracts, Idempotency-Key semantics
 * and ErrorBody answers are done here, so implementations only see valid input.
 */
export function createContractHandler(
  api: ApiContract,
  routes: Readonly<Record<string, RouteImpl>>,
  options: ProviderHandlerOptions & {
    idempotency: IdempotencyStore;
    /** Runs on validated input before the idempotency lookup; throws ProviderError (403, 404) to refuse. */
    authorize?: (operationId: string, input: RouteInput) => void | Promise<void>;
  },
): FetchHandler {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const compiled = compile(api, basePath);
  const maxBody = options.maxBodyBytes ?? 1_048_576;
  const newRequestId = options.newRequestId ?? defaultRequestId;
  const label = `${api.point}.v${api.version}`;
  // RFC 9745 / RFC 8594: every answer of a deprecated version says so, errors included.
  const lifecycle = api.deprecation ? Object.entries(deprecationHeaders(api.deprecation)) : [];
  const handle = createRouter();
  if (lifecycle.length === 0) return handle;
  return async (request) => {
    const res = await handle(request);
    for (const [k, v] of lifecycle) res.headers.set(k, v);
    return res;
  };

  function createRouter(): FetchHandler {
    return async (request) => {
      const requestId = newRequestId();
      const url = new URL(request.url);
      const method = request.method.toLowerCase();
      const hits = compiled.filter((r) => r.re.test(url.pathname));
      const route = hits.find((r) => r.op.method === method);
      if (!route) {
        if (hits.length)
          return errorResponse(
            405,
            'method_not_allowed',
            `${label}: ${request.method} is not allowed on ${url.pathname}`,
            requestId,
          );
        return errorResponse(404, 'not_found', `${label}: no operation at ${url.pathname}`, requestId);
      }
      const { op } = route;
      try {
        // Authentication comes first: nothing of the body is read for a caller without a valid token.
        let caller: ProviderCaller = ANONYMOUS;
        if (op.auth !== false && options.authenticate) {
          const header = request.headers.get('authorization') ?? '';
          const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
          const verdict = await options.authenticate(token, op.operationId);
          if (typeof verdict === 'object') caller = verdict;
          else if (verdict && token) caller = { kind: 'operator', scope: `token:${sha256(token)}` };
          if (!verdict) {
            return errorResponse(
              401,
              'unauthorized',
              `${label} ${op.operationId}: missing or invalid bearer token`,
              requestId,
              {
                headers: { 'www-authenticate': 'Bearer' },
              },
            );
          }
        }
        const m = route.re.exec(url.pathname)!;
        const params: Record<string, string> = {};
        const issues: { path: string; message: string }[] = [];
        route.names.forEach((name, i) => {
          const raw = safeDecodeURIComponent(m[i + 1]!);
          if (raw === undefined) {
            issues.push({ path: name, message: 'malformed percent-encoding' });
            return;
          }
          const spec = op.parameters?.find((p) => p.in === 'path' && p.name === name);
          const r = spec ? safeParseContract(spec.schema, raw) : { success: true as const, data: raw };
          if (r.success) params[name] = String(r.data);
          else issues.push({ path: name, message: r.error.issues[0]?.message ?? 'invalid' });
        });
        if (issues.length) {
          return errorResponse(
            400,
            'invalid_request',
            `${label} ${op.operationId}: invalid path parameters`,
            requestId,
            { details: issues },
          );
        }
        let body: unknown;
        if (op.requestBody) {
          // Media type and declared length before a byte is read; then read at most maxBody bytes.
          const early = checkBodyHeaders(request, maxBody);
          const read = early ? { refused: early } : await readJsonText(request, maxBody);
          if ('refused' in read) {
            return errorResponse(
              read.refused.status,
              read.refused.code,
              `${label} ${op.operationId}: ${read.refused.message}`,
              requestId,
            );
          }
          const text = read.text;
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            return errorResponse(
              400,
              'invalid_json',
              `${label} ${op.operationId}: the body is not JSON`,
              requestId,
            );
          }
          const parsed = safeParseContract(op.requestBody, json);
          if (!parsed.success) {
            return errorResponse(
              400,
              'invalid_request',
              `${label} ${op.operationId}: the body does not satisfy ${parsed.error.contract}`,
              requestId,
              {
                contract: parsed.error.contract,
                details: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
              },
            );
          }
          body = parsed.data;
        }
        const keySpec = op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
        const key = keySpec ? request.headers.get('idempotency-key') : null;
        if (keySpec) {
          if (key === null && keySpec.required) {
            return errorResponse(
              400,
              'idempotency_key_missing',
              `${label} ${op.operationId}: the Idempotency-Key header is required`,
              requestId,
            );
          }
          if (key !== null && !safeParseContract(keySpec.schema, key).success) {
            return errorResponse(
              400,
              'invalid_request',
              `${label} ${op.operationId}: malformed Idempotency-Key`,
              requestId,
              {
                details: [
                  { path: 'Idempotency-Key', message: 'expected 8–255 characters of A-Z a-z 0-9 . _ : -' },
                ],
              },
            );
          }
        }
        const input: RouteInput = { request, params, query: url.searchParams, body, requestId, caller };
        // Authorization on validated input, before any stored answer could be replayed to this caller.
        await options.authorize?.(op.operationId, input);
        if (!keySpec || key === null) return toResponse(await routes[op.operationId]!(input), requestId);

        // Keys are scoped to the caller: another token using the same key never sees this answer.
        const scoped = `${op.operationId}:${caller.scope}:${key}`;
        const fingerprint = createHash('sha256')
          .update(`${url.pathname}\n${canonicalJson(body ?? null)}`)
          .digest('hex');
        const begun = await options.idempotency.begin(scoped, fingerprint);
        if (begun.kind === 'mismatch') {
          return errorResponse(
            422,
            'idempotency_key_reused',
            `${label} ${op.operationId}: this Idempotency-Key was used with another body`,
            requestId,
          );
        }
        if (begun.kind === 'in_flight') {
          return errorResponse(
            409,
            'idempotency_key_in_use',
            `${label} ${op.operationId}: a request with this Idempotency-Key is in flight`,
            requestId,
            {
              headers: { 'retry-after': '1' },
            },
          );
        }
        if (begun.kind === 'replay') {
          return new Response(begun.response.body, {
            status: begun.response.status,
            headers: { ...begun.response.headers, 'x-request-id': requestId, 'idempotent-replayed': 'true' },
          });
        }
        let out: RouteOutput;
        try {
          out = await routes[op.operationId]!(input);
        } catch (error) {
          if (error instanceof ProviderError && error.status < 500) {
            const res = errorFromProvider(error, requestId);
            await options.idempotency.complete(scoped, fingerprint, await stored(res));
            return res;
          }
          await options.idempotency.release(scoped);
          throw error;
        }
        const res = toResponse(out, requestId);
        await options.idempotency.complete(scoped, fingerprint, await stored(res));
        return res;
      } catch (error) {
        if (error instanceof ProviderError) return errorFromProvider(error, requestId);
        return errorResponse(500, 'internal', `${label} ${op.operationId}: internal error`, requestId);
      }
    };
  }
}

function toResponse(out: RouteOutput, requestId: string): Response {
  return jsonResponse(out.status, out.body, { 'x-request-id': requestId, ...out.headers });
}

function errorFromProvider(error: ProviderError, requestId: string): Response {
  return errorResponse(error.status, error.code, error.message.replace(/^@fieldops\/sdk: /, ''), requestId, {
    contract: error.contract,
    details: error.details,
  });
}

async function stored(res: Response): Promise<StoredResponse> {
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (k !== 'x-request-id') headers[k] = v;
  });
  return { status: res.status, headers, body: await res.clone().text() };
}
