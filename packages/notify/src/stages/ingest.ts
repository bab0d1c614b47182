import { CloudEvent, EventSchemas, type EventType, eventKey } from '@fieldops/contracts/events/v1';
import { Alert } from '@fieldops/contracts/notify/v1';
import { NotifyError } from '../errors.js';
import { parseMediaType } from '../http/media-type.js';
import type { AlertDraft, SourceAdapters } from '../sources/source.js';

/** What ingest accepts: a CloudEvent (fieldops or custom type with an adapter) or a plain contract Alert. */
export type IngestInput = CloudEvent | Alert;

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

/**
 * Event keys (`source` + `id`) seen recently: makes ingest idempotent. Entries expire after a TTL;
 * insertion order is time order, so expiry sweeps from the front.
 */
export class EventKeyLog {
  private readonly keys = new Map<string, number>();

  /** Number of remembered keys. */
  get size(): number {
    return this.keys.size;
  }

  /** True when the key was seen and has not expired. */
  has(key: string, now: number): boolean {
    const exp = this.keys.get(key);
    return exp !== undefined && exp > now;
  }

  /** Remembers a key until `expiresAt`. */
  add(key: string, expiresAt: number): void {
    this.keys.delete(key);
    this.keys.set(key, expiresAt);
  }

  /** Every key with its expiry (for persistence). */
  entries(): IterableIterator<[string, number]> {
    return this.keys.entries();
  }

  /** Drops expired keys from the front; returns the keys dropped. */
  sweep(now: number): string[] {
    const dropped: string[] = [];
    for (const [k, exp] of this.keys) {
      if (exp > now) break;
      this.keys.delete(k);
      dropped.push(k);
    }
    return dropped;
  }
}

function isCloudEvent(input: IngestInput): input is CloudEvent {
  return typeof (input as CloudEvent).specversion === 'string';
}

/** The ingest stage: validates input against the contracts, drops duplicates and maps events to alerts. */
export class IngestStage {
  constructor(
    private readonly sources: SourceAdapters,
    private readonly log: EventKeyLog,
    private readonly ttl: number,
    private readonly validate = true,
  ) {}

  /** Parses one input; throws NotifyError(`input_invalid`) naming the contract that failed. */
  parse(input: IngestInput, now: number): IngestOutcome {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw invalid('events.v1.CloudEvent or notify.v1.Alert', [
        { path: [], message: 'expected a JSON object' },
      ]);
    }
    if (isCloudEvent(input)) return this.parseEvent(input, now);
    if (this.validate) {
      const r = Alert.safeParse(input);
      if (!r.success) throw invalid('notify.v1.Alert', r.error.issues);
    }
    const key =
      input.source && input.event_id ? eventKey({ source: input.source, id: input.event_id }) : undefined;
    if (key !== undefined) {
      if (this.log.has(key, now)) return { kind: 'duplicate', key };
      this.log.add(key, now + this.ttl);
    }
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
    if (this.validate) {
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
    if (this.log.has(key, now)) return { kind: 'duplicate', key };
    const adapter = this.sources[event.type];
    if (!adapter) {
      this.log.add(key, now + this.ttl);
      return { kind: 'ignored', reason: `no source adapter for ${event.type}`, key };
    }
    const draft = adapter(event);
    this.log.add(key, now + this.ttl);
    if (!draft) return { kind: 'ignored', reason: `${event.type} notifies nobody`, key };
    return { kind: 'alert', alert: { ...draft, source: event.source, event_id: event.id }, key };
  }
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
