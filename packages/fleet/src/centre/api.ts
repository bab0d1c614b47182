import { timingSafeEqual } from 'node:crypto';
import { type ApiOperation, formatPath, safeParseContract } from '@fieldops/contracts';
import type { FleetDevice, FleetGateway } from '@fieldops/contracts/chirpstack/v1';
import { FLEET_API, ListQuery, type SiteDevice, type SiteGateway } from '@fieldops/contracts/fleet/v1';
import type { Clock } from '@fieldops/core';
import { type FetchHandler, matchOperation } from '@fieldops/sdk/registry';
import { dateSource } from '../clock.js';
import { countFleet, deviceStatus, type PagePosition, pageEntities } from './pages.js';
import type { FleetStore } from './store.js';

// The central fleet view (contract fleet.v1): a read-only HTTP API over the mirror. Every answer is
// validated against the contract before it is sent; a write method anywhere is 405.

/** Options of {@link createFleetApiHandler}. */
export interface FleetApiOptions {
  store: FleetStore;
  /** A device seen within this long is `active`, otherwise `inactive` (default 2 hours). */
  activeWithinMs?: number;
  /** When set, every operation but health and ready needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Reported by the health endpoints. */
  version?: string;
  /** The clock (core's `Clock`) every time stamp reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  /** Called with what went wrong behind a 500 (the answer itself says only `internal error`). */
  onError?: (error: unknown, operationId: string) => void;
}

const LABEL = 'fleet.v1';
const READ_METHODS = new Set(['GET', 'HEAD']);
const DEFAULT_LIMIT = 100;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { contract?: string; details?: { path: string; message: string }[] } = {},
  ) {
    super(message);
  }
}

let counter = 0;
const newRequestId = () => `req_${Date.now().toString(36)}${(++counter).toString(36)}`;

function json(
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-request-id': requestId,
      ...headers,
    },
  });
}

function errorJson(
  status: number,
  error: ApiError | { code: string; message: string },
  requestId: string,
  headers = {},
) {
  const extra = error instanceof ApiError ? error.extra : {};
  return json(
    status,
    { error: { code: error.code, message: error.message, request_id: requestId, ...extra } },
    requestId,
    headers,
  );
}

/** An opaque cursor for a page position. */
export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.site_id, position.key])).toString('base64url');
}

function decodeCursor(cursor: string, op: string): PagePosition {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string'))
      return { site_id: v[0] as string, key: v[1] as string };
  } catch {
    // falls through to the refusal
  }
  throw new ApiError(400, 'invalid_request', `${LABEL} ${op}: the cursor is not one this API gave out`, {
    details: [{ path: 'cursor', message: 'not a cursor from a previous page' }],
  });
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The query of a list operation, checked against the operation's declared parameters and `fleet.v1.ListQuery`. */
function parseQuery(op: ApiOperation, search: URLSearchParams): ListQuery {
  const allowed = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
  const raw: Record<string, string> = {};
  const details: { path: string; message: string }[] = [];
  for (const [k, v] of search) {
    if (!allowed.has(k)) details.push({ path: k, message: `not a parameter of ${op.operationId}` });
    else if (k in raw) details.push({ path: k, message: 'given more than once' });
    else raw[k] = v;
  }
  const parsed = safeParseContract(ListQuery, raw);
  if (!parsed.success)
    details.push(...parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  if (details.length || !parsed.success)
    throw new ApiError(
      400,
      'invalid_request',
      `${LABEL} ${op.operationId}: the query does not satisfy fleet.v1.ListQuery`,
      {
        contract: 'fleet.v1.ListQuery',
        details,
      },
    );
  return parsed.data;
}

/**
 * Builds the Fetch API handler of the central fleet view over `store` (serve it with
 * `serveFleetApi`, or any Fetch-compatible server).
 */
export function createFleetApiHandler(options: FleetApiOptions): FetchHandler {
  const { store } = options;
  const now = dateSource(options);
  const activeWithinMs = options.activeWithinMs ?? 2 * 60 * 60_000;
  const version = options.version ?? '0.1.0';

  async function requireSite(siteId: string, op: string) {
    if (!(await store.site(siteId)))
      throw new ApiError(404, 'not_found', `${LABEL} ${op}: the centre has never heard from site ${siteId}`);
  }

  const toDevice = (
    r: { site_id: string; removed_at: string | null; data: FleetDevice },
    at: Date,
  ): SiteDevice => ({
    site_id: r.site_id as SiteDevice['site_id'], // read from the mirror, written from a validated batch
    status: deviceStatus(r.data, r.removed_at, at, activeWithinMs),
    removed_at: r.removed_at,
    device: r.data,
  });
  const toGateway = (r: { site_id: string; removed_at: string | null; data: FleetGateway }): SiteGateway => ({
    site_id: r.site_id as SiteGateway['site_id'],
    removed_at: r.removed_at,
    gateway: r.data,
  });

  async function list(
    kind: 'device' | 'gateway',
    op: ApiOperation,
    query: ListQuery,
    siteId: string | undefined,
  ) {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor ? decodeCursor(query.cursor, op.operationId) : undefined;
    const page = await pageEntities<FleetDevice & FleetGateway>(store.db, kind, {
      siteId,
      includeRemoved: query.include_removed === 'true',
      after,
      limit,
    });
    const at = now();
    return {
      items: page.rows.map((r) => (kind === 'device' ? toDevice(r, at) : toGateway(r))),
      next_cursor: page.next ? encodeCursor(page.next) : null,
    };
  }

  const routes: Record<
    string,
    (op: ApiOperation, params: Record<string, string>, search: URLSearchParams) => Promise<[number, unknown]>
  > = {
    async getFleetStatus() {
      const at = now();
      const sites = await store.sites();
      const counts = await countFleet(store.db, at, activeWithinMs);
      const oldest = sites.map((s) => s.last_sync_at).sort()[0] ?? null;
      return [
        200,
        {
          time: at.toISOString(),
          sites: {
            total: sites.length,
            stale: sites.filter((s) => s.stale).length,
            syncing_full: sites.filter((s) => s.full_in_progress).length,
          },
          ...counts,
          active_window_s: Math.max(1, Math.round(activeWithinMs / 1000)),
          oldest_sync_at: oldest,
        },
      ];
    },
    async listSites(op, _p, search) {
      const query = parseQuery(op, search);
      const limit = query.limit ?? DEFAULT_LIMIT;
      const after = query.cursor ? decodeCursor(query.cursor, op.operationId).site_id : undefined;
      // Sites are few (one per plant): ordered by id, cut after the cursor.
      const rest = (await store.sites()).filter((s) => after === undefined || s.site_id > after);
      const items = rest.slice(0, limit);
      const last = items.at(-1);
      return [
        200,
        {
          items,
          next_cursor: rest.length > limit && last ? encodeCursor({ site_id: last.site_id, key: '' }) : null,
        },
      ];
    },
    async getSite(op, params) {
      const site = await store.site(params.site_id!);
      if (!site)
        throw new ApiError(
          404,
          'not_found',
          `${LABEL} ${op.operationId}: the centre has never heard from site ${params.site_id}`,
        );
      return [200, site];
    },
    async listSiteDevices(op, params, search) {
      const query = parseQuery(op, search);
      await requireSite(params.site_id!, op.operationId);
      return [200, await list('device', op, query, params.site_id)];
    },
    async listSiteGateways(op, params, search) {
      const query = parseQuery(op, search);
      await requireSite(params.site_id!, op.operationId);
      return [200, await list('gateway', op, query, params.site_id)];
    },
    async getSiteBackup(op, params) {
      const snapshot = await store.snapshot(params.site_id!);
      if (!snapshot)
        throw new ApiError(
          404,
          'not_found',
          `${LABEL} ${op.operationId}: the centre has never heard from site ${params.site_id}`,
        );
      return [200, snapshot];
    },
    async listDevices(op, _p, search) {
      const query = parseQuery(op, search);
      return [200, await list('device', op, query, query.site_id)];
    },
    async listGateways(op, _p, search) {
      const query = parseQuery(op, search);
      return [200, await list('gateway', op, query, query.site_id)];
    },
    async getHealth() {
      return [200, { status: 'ok', version, time: now().toISOString() }];
    },
    async getReady() {
      try {
        await store.db.query('SELECT 1');
        return [
          200,
          { status: 'ok', version, time: now().toISOString(), checks: [{ name: 'store', status: 'ok' }] },
        ];
      } catch {
        return [
          503,
          {
            status: 'down',
            version,
            time: now().toISOString(),
            checks: [{ name: 'store', status: 'down', detail: 'the store does not answer a query' }],
          },
        ];
      }
    },
  };

  return async (request) => {
    const requestId = newRequestId();
    const url = new URL(request.url);
    if (!READ_METHODS.has(request.method)) {
      return errorJson(
        405,
        {
          code: 'method_not_allowed',
          message: `${LABEL}: the central fleet view is read-only; ${request.method} is not allowed (sites are authoritative)`,
        },
        requestId,
        { allow: 'GET, HEAD' },
      );
    }
    const head = request.method === 'HEAD';
    const strip = (res: Response) =>
      head ? new Response(null, { status: res.status, headers: res.headers }) : res;
    const match = matchOperation(FLEET_API, 'get', url.pathname);
    if (!match)
      return strip(
        errorJson(
          404,
          { code: 'not_found', message: `${LABEL}: no operation at ${url.pathname}` },
          requestId,
        ),
      );
    const { op, params } = match;
    try {
      if (op.auth !== false && options.token !== undefined) {
        const token = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
        if (!sameToken(token, options.token))
          throw new ApiError(
            401,
            'unauthorized',
            `${LABEL} ${op.operationId}: missing or invalid bearer token`,
          );
      }
      for (const p of op.parameters ?? []) {
        if (p.in !== 'path') continue;
        const r = safeParseContract(p.schema, params[p.name]);
        if (!r.success)
          throw new ApiError(
            400,
            'invalid_request',
            `${LABEL} ${op.operationId}: invalid path parameter ${p.name}`,
            {
              ...(r.error.contract !== 'anonymous' ? { contract: r.error.contract } : {}),
              details: [{ path: p.name, message: r.error.issues[0]?.message ?? 'invalid' }],
            },
          );
      }
      if (
        !(op.parameters ?? []).some((p) => p.in === 'query') &&
        url.search !== '' &&
        url.searchParams.size > 0
      )
        throw new ApiError(400, 'invalid_request', `${LABEL} ${op.operationId}: takes no query parameters`, {
          details: [...url.searchParams.keys()].map((k) => ({
            path: k,
            message: `not a parameter of ${op.operationId}`,
          })),
        });
      const [status, body] = await routes[op.operationId]!(op, params, url.searchParams);
      // What we send is what the contract says: a body that does not satisfy it is our bug, not an answer.
      const schema = op.responses[status]?.body;
      if (schema) {
        const checked = safeParseContract(schema, body);
        if (!checked.success) {
          options.onError?.(checked.error, op.operationId);
          return strip(
            errorJson(
              500,
              {
                code: 'internal',
                message: `${LABEL} ${op.operationId}: internal error (the answer did not satisfy ${checked.error.contract})`,
              },
              requestId,
            ),
          );
        }
      }
      return strip(json(status, body, requestId));
    } catch (error) {
      if (error instanceof ApiError)
        return strip(
          errorJson(
            error.status,
            error,
            requestId,
            error.status === 401 ? { 'www-authenticate': 'Bearer' } : {},
          ),
        );
      options.onError?.(error, op.operationId);
      return strip(
        errorJson(
          500,
          { code: 'internal', message: `${LABEL} ${op.operationId}: internal error` },
          requestId,
        ),
      );
    }
  };
}
