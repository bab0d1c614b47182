import type { CloudEvent } from '@fieldops/contracts/events/v1';
import type { Severity } from '@fieldops/contracts/notify/v1';
import type { Labels } from '../types.js';

/** What a source adapter makes of an event: an alert without the engine's bookkeeping. */
export interface AlertDraft {
  labels: Labels;
  annotations?: Labels;
  severity: Severity;
  status: 'firing' | 'resolved';
  starts_at: string;
  ends_at?: string;
}

/** Maps one event type to an alert, or `null` when the event means nothing to notify. */
export type SourceAdapter = (event: CloudEvent) => AlertDraft | null;

/** Source adapters by event type. */
export type SourceAdapters = Record<string, SourceAdapter>;

/** Labels shared by every source: the alertname, the firing event type and the site when known. */
export function baseLabels(alertname: string, type: string, siteId: string | undefined): Labels {
  const labels: Labels = { alertname, type };
  if (siteId) labels.site = siteId;
  return labels;
}

/** Copies the defined string values of `extra` into `labels`. */
export function withLabels(labels: Labels, extra: Record<string, string | null | undefined>): Labels {
  for (const k in extra) {
    const v = extra[k];
    if (typeof v === 'string' && v !== '') labels[k] = v;
  }
  return labels;
}

/** The event time, or now when the event has none. */
export function eventTime(event: CloudEvent): string {
  return event.time ?? new Date().toISOString();
}
