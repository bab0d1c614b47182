// Reads and writes notify through its HTTP API (`GET /incidents`, `GET /alerts`, `POST /acks`,
// `POST /silences` under its base path). The cockpit never reaches into notify's store.
import { FieldopsError } from '@fieldops/core';
import type { IncidentRow } from './state.js';

/** Options of {@link createNotifyClient}. */
export interface NotifyClientOptions {
  /** notify's API base, e.g. `http://127.0.0.1:8080/notify`. */
  baseUrl: string;
  /** The service token for reads (an operator's own token is used for writes). */
  token?: string;
  fetch?: typeof fetch;
}

/** What the cockpit needs from notify. */
export interface NotifyClient {
  /** Incidents joined with their alerts. */
  incidents(): Promise<IncidentRow[]>;
  /** Acknowledges as the operator whose token is given; notify records who. */
  acknowledge(
    operatorToken: string,
    body: { ack_code?: string; fingerprint?: string; note?: string },
  ): Promise<unknown>;
  /** Adds a silence as the operator whose token is given. */
  silence(
    operatorToken: string,
    body: { matchers: { name: string; value: string }[]; ends_at: string; comment?: string },
  ): Promise<unknown>;
}

/** A call to notify that failed; `status` is notify's HTTP status. */
export class NotifyCallError extends FieldopsError {}

interface AlertJson {
  fingerprint: string;
  labels: Record<string, string>;
  severity: string;
}
interface IncidentJson {
  id: string;
  ack_code: string;
  status: 'open' | 'acknowledged' | 'resolved';
  fingerprints: string[];
  level: number;
  loop: number;
  notified?: string[];
  acked?: { by: string; at: string };
}

/** Masks an address so a phone number or mail box is recognisable but not readable. */
export function maskAddress(address: string): string {
  const i = address.indexOf(':');
  const kind = i >= 0 ? address.slice(0, i + 1) : '';
  const to = i >= 0 ? address.slice(i + 1) : address;
  return to.length <= 4 ? `${kind}${to}` : `${kind}…${to.slice(-4)}`;
}

/** Creates the notify client. */
export function createNotifyClient(options: NotifyClientOptions): NotifyClient {
  const base = options.baseUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const call = async (path: string, token: string | undefined, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    if (init.body) headers.set('content-type', 'application/json');
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, { ...init, headers });
    } catch (err) {
      // Nothing answered (notify stopped, wrong address): say so, not a bare "fetch failed".
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new NotifyCallError(
        'notify_unreachable',
        `cockpit: notify is not reachable at ${base} (${cause}); nothing was recorded, try again when notify is running`,
        { status: 503, cause: err },
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = text.slice(0, 300);
      try {
        const p = JSON.parse(text) as { detail?: string; title?: string };
        detail = p.detail ?? p.title ?? detail;
      } catch {}
      throw new NotifyCallError(
        'notify_call_failed',
        `cockpit: notify ${init.method ?? 'GET'} ${path} answered ${res.status}: ${detail}`,
        { status: res.status },
      );
    }
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return {
    async incidents() {
      const [inc, al] = await Promise.all([
        call('/incidents', options.token),
        call('/alerts', options.token),
      ]);
      const alerts = new Map(((al as { alerts: AlertJson[] }).alerts ?? []).map((a) => [a.fingerprint, a]));
      return ((inc as { incidents: IncidentJson[] }).incidents ?? []).map((i) => {
        const first = i.fingerprints.map((f) => alerts.get(f)).find((a) => a !== undefined);
        return {
          id: i.id,
          ack_code: i.ack_code,
          status: i.status,
          fingerprints: i.fingerprints,
          title: first?.labels.alertname ?? 'alert',
          site_id: first?.labels.site ?? first?.labels.site_id ?? null,
          severity: first?.severity ?? 'unknown',
          paged: (i.notified ?? []).map(maskAddress),
          level: i.level,
          loop: i.loop,
          acked_by: i.acked?.by ?? null,
          acked_at: i.acked?.at ?? null,
        };
      });
    },
    acknowledge: (token, body) => call('/acks', token, { method: 'POST', body: JSON.stringify(body) }),
    silence: (token, body) => call('/silences', token, { method: 'POST', body: JSON.stringify(body) }),
  };
}
