// `POST /api/v2/alerts` as Alertmanager takes it, so Prometheus and Grafana can point their
// `alertmanagers` / contact point at fieldops notify. What is followed (prometheus/alertmanager v0.34.0):
// - body: `postableAlerts`, an array of `postableAlert` { labels (required), annotations?, startsAt?,
//   endsAt?, generatorURL? } (api/v2/openapi.yaml lines 493-509, `alert` lines 447-456, `labelSet` 571-574);
// - a missing startsAt is endsAt when set, else now; no endsAt = firing (api/v2/api.go lines 370-383);
// - labels with an empty value are removed (api.go `removeEmptyLabels`, lines 600-606);
// - an alert needs a label, and startsAt not after endsAt (alert/alert.go `Validate`, lines 71-88);
// - the valid alerts are taken even when some are not; then 400 with the errors joined, else 200
//   with no body (api.go lines 391-422).
// Where fieldops differs, on purpose: an alert needs `alertname` (every notify alert has one; Prometheus
// and Grafana always set it), label names follow notify.v1.Alert (`[A-Za-z_][A-Za-z0-9_.-]*`), and an
// alert whose endsAt has passed is `resolved`.
import type { Alert, Severity } from '@fieldops/contracts/notify/v1';

const SEVERITIES = new Set<Severity>(['info', 'warning', 'critical']);

/** One postableAlert as Alertmanager's OpenAPI document describes it. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** The alerts that can be taken and one message per alert that cannot (`alerts[i]: …`). */
export interface ConvertedAlerts {
  alerts: Alert[];
  errors: string[];
}

function isStringMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function time(v: unknown, field: string): number | undefined | string {
  if (v === undefined || v === null || v === '' || v === '0001-01-01T00:00:00Z') return undefined;
  if (typeof v !== 'string') return `${field}: expected a date-time string`;
  const t = Date.parse(v);
  return Number.isNaN(t) ? `${field}: expected an RFC 3339 date-time` : t;
}

/**
 * Converts Alertmanager's `postableAlerts` to notify alerts (`severity` from the `severity` label when it
 * is info, warning or critical, else `warning`; `generatorURL` kept as the `generator_url` annotation).
 */
export function convertPostableAlerts(body: unknown, now: number): ConvertedAlerts {
  if (!Array.isArray(body)) return { alerts: [], errors: ['(root): expected an array of postableAlert'] };
  const alerts: Alert[] = [];
  const errors: string[] = [];
  for (const [i, raw] of body.entries()) {
    const one = convertOne(raw, `alerts[${i}]`, now);
    if (typeof one === 'string') errors.push(one);
    else alerts.push(one);
  }
  return { alerts, errors };
}

/** One postableAlert to a notify alert, or the error naming its path. */
function convertOne(raw: unknown, at: string, now: number): Alert | string {
  if (!isStringMap(raw)) return `${at}: expected an object`;
  if (!isStringMap(raw.labels)) return `${at}.labels: required`;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.labels)) {
    if (typeof v !== 'string') return `${at}.labels.${k}: expected a string`;
    if (v !== '') labels[k] = v;
  }
  if (Object.keys(labels).length === 0) return `${at}.labels: at least one label pair required`;
  if (labels.alertname === undefined) return `${at}.labels.alertname: required by notify`;
  const annotations: Record<string, string> = {};
  if (raw.annotations !== undefined) {
    if (!isStringMap(raw.annotations)) return `${at}.annotations: expected an object`;
    for (const [k, v] of Object.entries(raw.annotations)) {
      if (typeof v !== 'string') return `${at}.annotations.${k}: expected a string`;
      annotations[k] = v;
    }
  }
  if (raw.generatorURL !== undefined) {
    if (typeof raw.generatorURL !== 'string') return `${at}.generatorURL: expected a string`;
    if (raw.generatorURL !== '') annotations.generator_url = raw.generatorURL;
  }
  const ends = time(raw.endsAt, `${at}.endsAt`);
  if (typeof ends === 'string') return ends;
  let starts = time(raw.startsAt, `${at}.startsAt`);
  if (typeof starts === 'string') return starts;
  starts ??= ends ?? now;
  if (ends !== undefined && ends < starts) {
    return `${at}: start time must be before end time`;
  }
  const severity = SEVERITIES.has(labels.severity as Severity) ? (labels.severity as Severity) : 'warning';
  const resolved = ends !== undefined && ends <= now;
  return {
    labels,
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    severity,
    status: resolved ? 'resolved' : 'firing',
    starts_at: new Date(starts).toISOString(),
    ...(resolved ? { ends_at: new Date(ends).toISOString() } : {}),
    source: 'alertmanager-api',
  };
}
