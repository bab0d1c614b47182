import { randomUUID } from 'node:crypto';
import { buildEvent, type EventOf } from '@fieldops/contracts/events/v1';
import type { SiteId } from '@fieldops/contracts/ids/v1';
import { Health } from '@fieldops/contracts/rfid/v1';
import type { Clock } from '@fieldops/core';
import { dateSource } from '../internal/clock.js';

/** An RFID backend health event. */
export type BackendHealthEvent = EventOf<'io.fieldops.rfid.backend.health_changed.v1'>;
type Status = BackendHealthEvent['data']['status'];

/** Options of {@link createBackendHealthMonitor}. */
export interface BackendHealthOptions {
  /** The backend's base URL (named in the events). */
  baseUrl: string;
  /** CloudEvents `source`, e.g. `/sites/site_…/rfid`. */
  source: string;
  siteId?: string;
  /** How to read the health (default: `GET <baseUrl>/api/v1/health` with `fetch`). */
  check?: () => Promise<Health>;
  fetch?: typeof globalThis.fetch;
  /** Re-send a degraded or down status this often while it lasts (default 5 min; 0 never). */
  reassertIntervalMs?: number;
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  newId?: () => string;
}

/** Level-triggered RFID backend health. */
export interface BackendHealthMonitor {
  /** Reads the health once; returns the event to send, if any (a change, the first bad status, a re-assertion). */
  check(): Promise<BackendHealthEvent | undefined>;
}

/**
 * Reads the RFID backend's `/api/v1/health` (contracts `rfid.Health`) and reports
 * `io.fieldops.rfid.backend.health_changed.v1`: a bad status on the first check (a restarted monitor
 * reports an ongoing outage), every change, and a degraded/down status again every re-assert
 * interval. No answer, a non-2xx answer or a body that is not `Health` is `down`, with the reason.
 */
export function createBackendHealthMonitor(options: BackendHealthOptions): BackendHealthMonitor {
  const now = dateSource(options);
  const newId = options.newId ?? randomUUID;
  const reassertMs = options.reassertIntervalMs ?? 300_000;
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const url = `${options.baseUrl.replace(/\/+$/, '')}/api/v1/health`;
  let last: { status: Status; at: number } | undefined;

  async function read(): Promise<{ status: Status; detail?: string }> {
    try {
      const health = options.check
        ? await options.check()
        : await (async () => {
            const res = await fetchImpl(url, { signal: AbortSignal.timeout(5000) });
            if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
            return Health.parse(await res.json());
          })();
      const bad = (health.checks ?? []).filter((c) => c.status !== 'ok');
      return {
        status: health.status,
        ...(bad.length > 0
          ? {
              detail: bad
                .map((c) => `${c.name}: ${c.status}${c.detail ? ` (${c.detail})` : ''}`)
                .join('; ')
                .slice(0, 2000),
            }
          : {}),
      };
    } catch (error) {
      return { status: 'down', detail: String((error as Error)?.message ?? error).slice(0, 2000) };
    }
  }

  return {
    async check() {
      const { status, detail } = await read();
      const at = now().getTime();
      const previous = last?.status;
      const changed = previous !== undefined && previous !== status;
      const firstBad = previous === undefined && status !== 'ok';
      const reassert =
        previous === status && status !== 'ok' && reassertMs > 0 && at - (last?.at ?? at) >= reassertMs;
      if (!changed && !firstBad && !reassert) {
        if (previous === undefined) last = { status, at };
        return undefined;
      }
      last = { status, at };
      return buildEvent(
        'io.fieldops.rfid.backend.health_changed.v1',
        {
          base_url: options.baseUrl,
          ...(options.siteId ? { site_id: options.siteId as SiteId } : {}),
          status,
          previous_status: previous ?? status,
          ...(detail ? { detail } : {}),
        },
        { source: options.source, id: newId(), time: new Date(at).toISOString(), subject: options.baseUrl },
      );
    },
  };
}
