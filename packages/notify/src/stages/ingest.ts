import { CloudEvent, EventSchemas, type EventType, eventKey } from '@fieldops/contracts/events/v1';
import { Alert } from '@fieldops/contracts/notify/v1';
import { NotifyError } from '../errors.js';
import { fingerprintOf } from '../fingerprint.js';
import { parseMediaType } from '../http/media-type.js';
import type { IngestInput } from '../model.js';
import type { AlertDraft, SourceAdapters } from '../sources/source.js';
import type { AlertRecord, Labels } from '../types.js';
import { type Change, NO_CHANGES, type Stage, type StageResult } from './stage.js';

// Declared in ../model.ts (the public data types); re-exported for the modules of this folder's users.
export type { IngestInput } from '../model.js';

/** An alert ready for routing, with where it came from. */
export interface IngestedAlert extends AlertDraft {
  source?: string;
  event_id?: string;
  fingerprint?: string;
}

/** What ingest made of one input. */
export type IngestOutcome =
  | { kind: 'alert'; alert: IngestedAlert; key: string | undefined }
  | { kind: 'duplicate'; key: string }
  | { kind: 'ignored'; reason: string; key: string | undefined };

/** The expiry an entry of the event-key log stands for (a carried key's is stored as `-expiry - 1`). */
function expiryOf(v: number): number {
  return v < 0 ? -v - 1 : v;
}

/**
 * Event keys (`source` + `id`) seen recently: makes ingest idempotent. Entries expire after a TTL.
 * A key is persisted one of two ways, and the log knows which: as its own `events` document (`add`),
 * or carried by the document of the alert it last changed (`carry`: the record's `source` +
 * `event_id`, so an ingest writes one document, not two). A carried key whose alert stops carrying it
 * (a newer event, the alert dropped) gets its own document then (decision 0048).
 */
export class EventKeyLog {
  /**
   * Every key with its expiry, in one map so a lookup is one probe: a key with its own document as
   * its expiry (≥ 0), a carried key as `-expiry - 1` (< 0).
   */
  private readonly keys = new Map<string, number>();

  /** Number of remembered keys. */
  get size(): number {
    return this.keys.size;
  }

  /** True when the key was seen and has not expired. */
  has(key: string, now: number): boolean {
    const v = this.keys.get(key);
    return v !== undefined && expiryOf(v) > now;
  }

  /** The expiry of a key its alert's document carries, while it has not expired; else undefined. */
  carriedUntil(key: string, now: number): number | undefined {
    const v = this.keys.get(key);
    return v !== undefined && v < 0 && expiryOf(v) > now ? expiryOf(v) : undefined;
  }

  /** Remembers a key, stored as its own document, until `expiresAt`. */
  add(key: string, expiresAt: number): void {
    // An expiry before the epoch is long past: 0 keeps the sign free for carried keys.
    this.keys.set(key, Math.max(0, expiresAt));
  }

  /** Remembers a key, stored in its alert's document, until `expiresAt` (a key with its own document stays so). */
  carry(key: string, expiresAt: number): void {
    const v = this.keys.get(key);
    if (v !== undefined && v >= 0) return;
    this.keys.set(key, -Math.max(0, expiresAt) - 1);
  }

  /** Every key with its expiry. */
  *entries(): IterableIterator<[string, number]> {
    for (const [k, v] of this.keys) yield [k, expiryOf(v)];
  }

  /**
   * Drops expired keys; returns those that had their own document (to delete). Scans every key: keys
   * loaded on start are in no time order.
   */
  sweep(now: number): string[] {
    const dropped: string[] = [];
    for (const [k, v] of this.keys) {
      if (expiryOf(v) > now) continue;
      this.keys.delete(k);
      if (v >= 0) dropped.push(k);
    }
    return dropped;
  }
}

/** The event key an alert record carries (its last event's `source` + `event_id`), if any. */
export function carriedEventKey(record: AlertRecord): string | undefined {
  return record.source !== undefined && record.event_id !== undefined
    ? eventKey({ source: record.source, id: record.event_id })
    : undefined;
}

function isCloudEvent(input: IngestInput): input is CloudEvent {
  return typeof (input as CloudEvent).specversion === 'string';
}

/** What ingest hands to routing: the alert's record as it is after this input. */
export interface Ingested {
  readonly record: AlertRecord;
  /** True when this input created the record (no alert with its fingerprint was held). */
  readonly isNew: boolean;
}

/** Why ingest stopped the pipeline for an input (what the caller is answered). */
export type IngestStop = { kind: 'duplicate' } | { kind: 'ignored'; reason: string };

/** What the ingest stage reads: the source adapters, the event keys seen, the alerts held. */
export interface IngestStageDeps {
  sources: SourceAdapters;
  events: Pick<EventKeyLog, 'has' | 'carriedUntil'>;
  alerts: ReadonlyMap<string, AlertRecord>;
  /** How long an event key is remembered (ms). */
  ttl: number;
  /** Validate input against the contracts. */
  validate: boolean;
}

/**
 * The ingest stage: validates the input against the contracts (throws NotifyError `input_invalid`
 * naming the contract), drops a duplicate by event key, maps an event to an alert and returns the
 * alert's new record. Changes: the event key (`events`) and the record (`alerts`).
 */
export class IngestStage implements Stage<IngestInput, Ingested> {
  readonly name = 'ingest' as const;

  constructor(private readonly deps: IngestStageDeps) {}

  run(input: IngestInput, now: number): StageResult<Ingested> {
    const outcome = this.parse(input, now);
    const key = outcome.key;
    if (outcome.kind === 'duplicate') return { changes: NO_CHANGES, stop: DUPLICATE };
    const expiresAt = now + this.deps.ttl;
    if (outcome.kind === 'ignored') {
      return {
        changes: key === undefined ? NO_CHANGES : [ownEventKey(key, expiresAt)],
        stop: { kind: 'ignored', reason: outcome.reason },
      };
    }
    const a = outcome.alert;
    // `severity` is a label for matching but not part of the identity (a station going from degraded
    // to offline is the same alert).
    const labels: Labels = {};
    for (const k in a.labels) if (k !== 'severity') labels[k] = a.labels[k] as string;
    const fingerprint = a.fingerprint ?? fingerprintOf(labels);
    labels.severity = a.severity;
    const previous = this.deps.alerts.get(fingerprint);
    if (!previous && a.status === 'resolved') {
      return {
        changes: key === undefined ? NO_CHANGES : [ownEventKey(key, expiresAt)],
        stop: { kind: 'ignored', reason: 'resolves an alert that is not firing' },
      };
    }
    const record = nextRecord(previous, a, fingerprint, labels, now);
    const put: Change = { op: 'put', collection: 'alerts', key: fingerprint, doc: record };
    // The alert's document carries this input's key when the record took the input's source and
    // event_id (always for an event; for an alert that names both): then no document of its own.
    const remember: Change | undefined =
      key === undefined
        ? undefined
        : record.source === a.source && record.event_id === a.event_id
          ? { op: 'carry', key, expires_at: expiresAt }
          : ownEventKey(key, expiresAt);
    // The key the alert's document carried until now keeps being remembered: with its own document.
    let release: Change | undefined;
    if (previous && (previous.source !== record.source || previous.event_id !== record.event_id)) {
      const before = carriedEventKey(previous);
      const until = before === undefined ? undefined : this.deps.events.carriedUntil(before, now);
      if (until !== undefined) release = ownEventKey(before as string, until);
    }
    const changes: Change[] = remember ? [put, remember] : [put];
    if (release) changes.unshift(release);
    return { changes, next: { record, isNew: !previous } };
  }

  /** Validates and dedups one input; throws NotifyError(`input_invalid`) naming the contract that failed. */
  parse(input: IngestInput, now: number): IngestOutcome {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw invalid('events.v1.CloudEvent or notify.v1.Alert', [
        { path: [], message: 'expected a JSON object' },
      ]);
    }
    if (isCloudEvent(input)) return this.parseEvent(input, now);
    if (this.deps.validate) {
      const r = Alert.safeParse(input);
      if (!r.success) throw invalid('notify.v1.Alert', r.error.issues);
    }
    const key =
      input.source && input.event_id ? eventKey({ source: input.source, id: input.event_id }) : undefined;
    if (key !== undefined && this.deps.events.has(key, now)) return { kind: 'duplicate', key };
    const alert: IngestedAlert = {
      labels: input.labels,
      annotations: input.annotations ?? {},
      severity: input.severity,
      status: input.status,
      starts_at: input.starts_at,
      ...(input.ends_at ? { ends_at: input.ends_at } : {}),
      ...(input.source ? { source: input.source } : {}),
      ...(input.event_id ? { event_id: input.event_id } : {}),
      ...(input.fingerprint ? { fingerprint: input.fingerprint } : {}),
    };
    return { kind: 'alert', alert, key };
  }

  private parseEvent(event: CloudEvent, now: number): IngestOutcome {
    if (this.deps.validate) {
      const schema = EventSchemas[event.type as EventType] ?? CloudEvent;
      const r = schema.safeParse(withPlainJsonContentType(event));
      if (!r.success) {
        throw invalid(
          event.type in EventSchemas ? `events.v1 ${event.type}` : 'events.v1.CloudEvent',
          r.error.issues,
        );
      }
      event = r.data as CloudEvent;
    }
    const key = eventKey(event);
    if (this.deps.events.has(key, now)) return { kind: 'duplicate', key };
    const adapter = this.deps.sources[event.type];
    if (!adapter) return { kind: 'ignored', reason: `no source adapter for ${event.type}`, key };
    const draft = adapter(event);
    if (!draft) return { kind: 'ignored', reason: `${event.type} notifies nobody`, key };
    return { kind: 'alert', alert: { ...draft, source: event.source, event_id: event.id }, key };
  }
}

const DUPLICATE: IngestStop = Object.freeze({ kind: 'duplicate' });

/** An event key written as its own `events` document. */
function ownEventKey(key: string, expiresAt: number): Change {
  return { op: 'put', collection: 'events', key, doc: { key, expires_at: expiresAt } };
}

/** The alert's record after this input: a new record, or a copy of the held one with the input applied. */
function nextRecord(
  previous: AlertRecord | undefined,
  a: IngestedAlert,
  fingerprint: string,
  labels: Labels,
  now: number,
): AlertRecord {
  let record: AlertRecord;
  if (!previous) {
    record = {
      fingerprint,
      labels,
      annotations: a.annotations ?? {},
      severity: a.severity,
      status: 'firing',
      starts_at: a.starts_at,
      updated_at: now,
    };
  } else {
    record = { ...previous };
    if (previous.status === 'resolved' && a.status === 'firing') {
      // Re-trigger: a new firing episode needs a new acknowledgement and a new escalation.
      delete record.acked;
      delete record.incident_id;
      delete record.ends_at;
      record.starts_at = a.starts_at;
    }
    record.labels = labels;
    record.annotations = { ...previous.annotations, ...a.annotations };
    record.severity = a.severity;
    record.status = a.status;
    record.updated_at = now;
  }
  if (a.status === 'resolved') record.ends_at = a.ends_at ?? new Date(now).toISOString();
  else if (a.ends_at) record.ends_at = a.ends_at;
  else delete record.ends_at;
  if (a.source) record.source = a.source;
  if (a.event_id) record.event_id = a.event_id;
  return record;
}

/**
 * `application/json; charset=utf-8` (what the CloudEvents SDKs send) is `application/json`: media-type
 * parameters do not change what the data is (RFC 9110 §8.3.1), so the event is validated as if it
 * said `application/json`. Other media types are left for the contract to refuse.
 */
function withPlainJsonContentType(event: CloudEvent): CloudEvent {
  const dct = (event as { datacontenttype?: unknown }).datacontenttype;
  if (typeof dct !== 'string' || dct === 'application/json') return event;
  return parseMediaType(dct)?.essence === 'application/json'
    ? { ...event, datacontenttype: 'application/json' }
    : event;
}

function invalid(contract: string, issues: readonly { path: PropertyKey[]; message: string }[]): NotifyError {
  const lines = issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
  return new NotifyError('input_invalid', `ingest: ${contract}: ${lines}`);
}
