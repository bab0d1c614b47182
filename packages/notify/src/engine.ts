import type { ChannelKind, DeliveryReceipt } from '@fieldops/contracts/notify/v1';
import type { Channel } from './channels/channel.js';
import { createDiscordChannel } from './channels/discord/index.js';
import { createEmailChannel } from './channels/email/index.js';
import { createSlackChannel } from './channels/slack/index.js';
import { createWhatsAppChannel } from './channels/whatsapp/index.js';
import { normalizePhone, WhatsAppWindows } from './channels/whatsapp/window.js';
import { type NormalizedConfig, type NotifyConfig, normalizeConfig, type RouteNode } from './config.js';
import { RateLimiter } from './delivery/rate-limiter.js';
import { NotifyAckError, NotifyConfigError, NotifyError } from './errors.js';
import { fingerprintOf } from './fingerprint.js';
import { createNotifyApiHandler } from './http/api-handler.js';
import { createIdMaker } from './ids.js';
import { maxSeverity, type NotificationData } from './notification.js';
import { Scheduler } from './scheduler/scheduler.js';
import type { SecretInput } from './secrets.js';
import { createDefaultSecretResolver, type SecretResolver, SecretVault } from './secrets.js';
import { DEFAULT_SOURCES } from './sources/index.js';
import type { SourceAdapters } from './sources/source.js';
import { DedupStage, type NotificationLogEntry, nflogKey } from './stages/dedup.js';
import { type AttemptOutcome, DeliverStage, type DeliveryJob } from './stages/deliver.js';
import { EscalateStage, type Incident } from './stages/escalate.js';
import { GroupStage, type GroupState } from './stages/group.js';
import { EventKeyLog, type IngestInput, IngestStage } from './stages/ingest.js';
import { InhibitStage } from './stages/inhibit.js';
import { QuietHours } from './stages/quiet-hours.js';
import { RouteTree } from './stages/route.js';
import { type Silence, type SilenceInput, SilenceStage } from './stages/silence.js';
import { MemoryNotifyStore } from './store/memory-store.js';
import type { NotifyStore } from './store/store.js';
import { MessageRenderer } from './templates/render.js';
import {
  type AckInfo,
  type AlertRecord,
  type Clock,
  GLOBAL_TIMERS,
  type Labels,
  type Logger,
  type RandomSource,
  SILENT_LOGGER,
  SYSTEM_CLOCK,
  type TimerApi,
  type TracerLike,
} from './types.js';
import { createWhatsAppWebhookHandler } from './webhook/whatsapp-webhook.js';

/** Everything the engine can be given; only `config` is required. */
export interface NotifyEngineOptions {
  config: NotifyConfig;
  /** Where state survives restarts; a MemoryNotifyStore by default. */
  store?: NotifyStore;
  clock?: Clock;
  timers?: TimerApi;
  fetch?: typeof fetch;
  logger?: Logger;
  random?: RandomSource;
  /** Resolves SecretRefs; `env:` and `file:` by default. */
  secrets?: SecretResolver;
  /** Extra or replacement source adapters by event type. */
  sources?: SourceAdapters;
  /** Replaces built-in channels (e.g. a custom SMS channel under a known kind). */
  channels?: Partial<Record<ChannelKind, Channel>>;
  /** Called for every delivery receipt (sent, failed, throttled, suppressed, delivered, read). */
  onReceipt?: (receipt: DeliveryReceipt) => void;
  /** Validate input against the contracts (default true). */
  validate?: boolean;
  /** An OpenTelemetry tracer: one span per delivery attempt (`notify.deliver`); none when absent. */
  tracer?: TracerLike;
}

/** What ingest did with one input. */
export type IngestResult =
  | { kind: 'alert'; fingerprint: string; status: 'firing' | 'resolved'; groups: string[] }
  | { kind: 'duplicate' }
  | { kind: 'ignored'; reason: string };

/** An acknowledgement request: by ack code (what people reply) or by alert fingerprint. */
export interface AcknowledgeInput {
  ack_code?: string;
  fingerprint?: string;
  by: string;
  via?: AckInfo['via'];
  note?: string;
}

/** What an acknowledgement stopped. */
export interface AcknowledgeResult {
  incident_id: string | undefined;
  ack_code: string | undefined;
  fingerprints: string[];
  already_acknowledged: boolean;
  cancelled_deliveries: number;
  cancelled_escalation: boolean;
}

/** A WhatsApp delivery status fed back by the webhook. */
export interface WhatsAppStatusInput {
  id: string;
  status: string;
  recipient_id?: string;
  errors?: { code?: number; title?: string; message?: string }[];
}

const MAX_SENT_REMEMBERED = 10_000;
const HOUSEKEEPING_KEY = 'h:housekeeping';
const HOUSEKEEPING_EVERY_MS = 10 * 60_000;
const SILENCE_RETENTION_MS = 24 * 3_600_000;
const MUTED_RECHECK_MS = 5 * 60_000;

/**
 * The notifications engine: ingest → route → group → inhibit → silence / quiet hours → dedup →
 * escalate → deliver, composed here and nowhere else. State lives in memory and is written through
 * to the store; one scheduler drives every wait. Every operation runs on one serial queue, so a timer
 * and an acknowledgement never interleave half-way; channel sends run outside it.
 */
export class NotifyEngine {
  readonly config: NormalizedConfig;
  private readonly store: NotifyStore;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly random: RandomSource;
  private readonly onReceipt: ((r: DeliveryReceipt) => void) | undefined;
  private readonly tracer: TracerLike | undefined;
  private readonly vault: SecretVault;
  private readonly scheduler: Scheduler;
  private readonly newId: (prefix: string) => string;

  private readonly eventLog = new EventKeyLog();
  private readonly ingestStage: IngestStage;
  private readonly routeTree: RouteTree;
  private readonly groupStage = new GroupStage();
  private readonly inhibitStage: InhibitStage;
  private readonly silenceStage = new SilenceStage();
  private readonly quietHours: QuietHours;
  private readonly dedupStage = new DedupStage();
  private readonly escalateStage: EscalateStage;
  private readonly deliverStage: DeliverStage;
  private readonly channels: Partial<Record<ChannelKind, Channel>>;
  private readonly windows = new WhatsAppWindows();

  private readonly alerts = new Map<string, AlertRecord>();
  private readonly jobs = new Map<string, DeliveryJob>();
  private readonly sent = new Map<
    string,
    { job: DeliveryJob; channel: ChannelKind; to: string; template: boolean }
  >();
  private readonly inflight = new Set<Promise<unknown>>();
  private queue: Promise<unknown> = Promise.resolve();
  private started: Promise<void> | undefined;
  private stopped = false;
  private loaded = false;

  constructor(options: NotifyEngineOptions) {
    this.config = normalizeConfig(options.config);
    this.store = options.store ?? new MemoryNotifyStore();
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.logger = options.logger ?? SILENT_LOGGER;
    this.random = options.random ?? Math.random;
    this.onReceipt = options.onReceipt;
    this.tracer = options.tracer;
    this.vault = new SecretVault(options.secrets ?? createDefaultSecretResolver());
    this.newId = createIdMaker(this.random, () => this.clock.now());
    const timers: TimerApi = options.timers ?? GLOBAL_TIMERS;
    this.scheduler = new Scheduler({ clock: this.clock, timers, onDue: (key) => this.onDue(key) });
    this.scheduler.stop();

    this.ingestStage = new IngestStage(
      { ...DEFAULT_SOURCES, ...options.sources },
      this.eventLog,
      this.config.eventKeyTtl,
      options.validate ?? true,
    );
    this.routeTree = new RouteTree(this.config.root);
    this.inhibitStage = new InhibitStage(this.config.inhibit);
    this.quietHours = new QuietHours(this.config.timeIntervals);
    this.escalateStage = new EscalateStage(this.config.policies, this.random);

    const deps = {
      fetch: options.fetch ?? ((...a: Parameters<typeof fetch>) => globalThis.fetch(...a)),
      vault: this.vault,
      logger: this.logger,
      clock: this.clock,
    };
    const ch = this.config.raw.channels;
    this.channels = {
      ...(ch.whatsapp ? { whatsapp: createWhatsAppChannel(ch.whatsapp, deps) } : {}),
      ...(ch.email ? { email: createEmailChannel(ch.email, deps) } : {}),
      ...(ch.slack ? { slack: createSlackChannel(ch.slack, deps) } : {}),
      ...(ch.discord ? { discord: createDiscordChannel(ch.discord, deps) } : {}),
      ...options.channels,
    };
    this.deliverStage = new DeliverStage({
      channels: this.channels,
      renderer: new MessageRenderer(this.config.raw.templates),
      limiter: new RateLimiter(),
      windows: this.windows,
      whatsapp: ch.whatsapp,
      retry: this.config.retry,
      random: this.random,
      redact: (t) => this.vault.redact(t),
    });
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /** Loads state from the store and arms the scheduler; pending groups, escalations and deliveries resume. */
  start(): Promise<void> {
    this.started ??= this.run(() => this.load());
    return this.started;
  }

  /** Stops the scheduler and closes channels; pending work stays in the store for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.scheduler.stop();
    await this.settle();
    for (const c of Object.values(this.channels)) await c?.close?.();
  }

  /** Resolves when the queue is empty and no send is in flight (tests and graceful shutdown). */
  async settle(): Promise<void> {
    for (;;) {
      const q = this.queue;
      await q;
      if (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
      if (q === this.queue && this.inflight.size === 0) return;
    }
  }

  private async load(): Promise<void> {
    const now = this.clock.now();
    for (const g of await this.store.list<GroupState>('groups')) this.groupStage.restore(g);
    // Group membership is not stored: routing is deterministic, so each alert is routed again.
    for (const a of await this.store.list<AlertRecord>('alerts')) {
      this.alerts.set(a.fingerprint, a);
      this.inhibitStage.observe(a);
      for (const route of this.routeTree.match(a.labels)) {
        const { group, created } = this.groupStage.insert(
          route,
          a.labels,
          a.fingerprint,
          now,
          Date.parse(a.starts_at),
        );
        if (created) await this.store.put('groups', group.key, storedGroup(group));
      }
    }
    for (const g of [...this.groupStage.all()]) {
      if (g.fingerprints.length === 0) {
        this.groupStage.delete(g.key);
        await this.store.delete('groups', g.key);
      } else this.scheduler.schedule(`g:${g.key}`, g.next_flush_at);
    }
    for (const e of await this.store.list<NotificationLogEntry>('nflog')) this.dedupStage.record(e);
    for (const i of await this.store.list<Incident>('incidents')) {
      this.escalateStage.restore(i);
      if (i.status === 'open' && i.next_at !== undefined) this.scheduler.schedule(`e:${i.id}`, i.next_at);
    }
    for (const j of await this.store.list<DeliveryJob>('deliveries')) {
      this.jobs.set(j.id, j);
      this.scheduler.schedule(`d:${j.id}`, j.next_at);
    }
    for (const s of await this.store.list<Silence>('silences')) this.silenceStage.put(s);
    for (const w of await this.store.list<{ phone: string; at: number }>('windows'))
      this.windows.touch(w.phone, w.at);
    for (const e of await this.store.list<{ key: string; expires_at: number }>('events')) {
      if (e.expires_at > now) this.eventLog.add(e.key, e.expires_at);
    }
    this.scheduler.schedule(HOUSEKEEPING_KEY, now + HOUSEKEEPING_EVERY_MS);
    this.scheduler.resume();
    this.loaded = true;
    this.logger.info(
      {
        component: 'notify',
        alerts: this.alerts.size,
        groups: this.groupStage.size,
        deliveries: this.jobs.size,
      },
      'notify engine started',
    );
  }

  private run<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private ready(): Promise<void> | undefined {
    if (this.stopped) throw new NotifyError('engine_stopped', 'the engine is stopped');
    // The hot path (already started) does not add an await.
    return this.loaded ? undefined : this.start();
  }

  private onDue(key: string): void {
    void this.run(async () => {
      if (key.startsWith('g:')) await this.flushGroup(key.slice(2));
      else if (key.startsWith('e:')) await this.escalate(key.slice(2));
      else if (key.startsWith('d:')) this.dispatch(key.slice(2));
      else if (key === HOUSEKEEPING_KEY) await this.housekeeping();
    }).catch((err: unknown) => {
      this.logger.error(
        { component: 'notify', key, err: this.vault.redact(String(err)) },
        'scheduled work failed',
      );
    });
  }

  // ---- ingest -> route -> group --------------------------------------------------------------

  /** Takes a CloudEvent or a contract Alert; idempotent by `source` + `id`. */
  async ingest(input: IngestInput): Promise<IngestResult> {
    await this.ready();
    return this.run(() => this.ingestNow(input));
  }

  /**
   * Ingests many inputs in one turn of the queue (what a source delivering batches should use): the
   * result for each, in order; an invalid input gets `{ kind: 'invalid', error }` and the others go on.
   */
  async ingestBatch(
    inputs: readonly IngestInput[],
  ): Promise<(IngestResult | { kind: 'invalid'; error: NotifyError })[]> {
    await this.ready();
    return this.run(async () => {
      const out: (IngestResult | { kind: 'invalid'; error: NotifyError })[] = [];
      for (const input of inputs) {
        try {
          out.push(await this.ingestNow(input));
        } catch (err) {
          if (err instanceof NotifyError) out.push({ kind: 'invalid', error: err });
          else throw err;
        }
      }
      return out;
    });
  }

  private async ingestNow(input: IngestInput): Promise<IngestResult> {
    const now = this.clock.now();
    const outcome = this.ingestStage.parse(input, now);
    if (outcome.key !== undefined && outcome.kind !== 'duplicate') {
      await this.store.put('events', outcome.key, {
        key: outcome.key,
        expires_at: now + this.config.eventKeyTtl,
      });
    }
    if (outcome.kind === 'duplicate') return { kind: 'duplicate' };
    if (outcome.kind === 'ignored') return { kind: 'ignored', reason: outcome.reason };
    const a = outcome.alert;
    // `severity` is a label for matching but not part of the identity (a station going from degraded
    // to offline is the same alert).
    const labels: Labels = {};
    for (const k in a.labels) if (k !== 'severity') labels[k] = a.labels[k] as string;
    const fingerprint = a.fingerprint ?? fingerprintOf(labels);
    labels.severity = a.severity;
    let record = this.alerts.get(fingerprint);
    if (!record) {
      if (a.status === 'resolved') return { kind: 'ignored', reason: 'resolves an alert that is not firing' };
      record = {
        fingerprint,
        labels,
        annotations: a.annotations ?? {},
        severity: a.severity,
        status: 'firing',
        starts_at: a.starts_at,
        updated_at: now,
      };
      this.alerts.set(fingerprint, record);
    } else {
      if (record.status === 'resolved' && a.status === 'firing') {
        // Re-trigger: a new firing episode needs a new acknowledgement and a new escalation.
        delete record.acked;
        delete record.incident_id;
        delete record.ends_at;
        record.starts_at = a.starts_at;
      }
      record.labels = labels;
      record.annotations = { ...record.annotations, ...a.annotations };
      record.severity = a.severity;
      record.status = a.status;
      record.updated_at = now;
    }
    if (a.status === 'resolved') record.ends_at = a.ends_at ?? new Date(now).toISOString();
    else if (a.ends_at) record.ends_at = a.ends_at;
    else delete record.ends_at;
    if (a.source) record.source = a.source;
    if (a.event_id) record.event_id = a.event_id;
    this.inhibitStage.observe(record);
    await this.store.put('alerts', fingerprint, record);
    if (a.status === 'resolved') await this.settleIncidentOf(record);

    const groups: string[] = [];
    const startedAt = Date.parse(record.starts_at);
    for (const route of this.routeTree.match(labels)) {
      const { group, created } = this.groupStage.insert(route, labels, fingerprint, now, startedAt);
      groups.push(group.key);
      if (created) {
        this.scheduler.schedule(`g:${group.key}`, group.next_flush_at);
        await this.store.put('groups', group.key, storedGroup(group));
      }
    }
    return { kind: 'alert', fingerprint, status: record.status, groups };
  }

  /**
   * Forgets what nobody needs any more: expired event keys, silences that ended a day ago, and
   * incidents that are over and whose alerts are gone. Runs every 10 minutes on the scheduler.
   */
  private async housekeeping(): Promise<void> {
    const now = this.clock.now();
    for (const key of this.eventLog.sweep(now)) await this.store.delete('events', key);
    for (const id of this.silenceStage.prune(now - SILENCE_RETENTION_MS))
      await this.store.delete('silences', id);
    for (const incident of [...this.escalateStage.all()]) {
      if (incident.status === 'open') continue;
      const live = incident.fingerprints.some((fp) => this.alerts.get(fp)?.incident_id === incident.id);
      if (live) continue;
      this.escalateStage.delete(incident.id);
      await this.store.delete('incidents', incident.id);
    }
    this.scheduler.schedule(HOUSEKEEPING_KEY, now + HOUSEKEEPING_EVERY_MS);
  }

  // ---- group flush: inhibit -> silence / quiet hours -> dedup -> escalate -> deliver -----------

  private muted(
    record: AlertRecord,
    route: RouteNode,
    now: number,
  ): 'inhibited' | 'silenced' | 'quiet' | undefined {
    if (this.inhibitStage.isInhibited(record)) return 'inhibited';
    if (this.silenceStage.isSilenced(record.labels, now)) return 'silenced';
    if (this.quietHours.mutes(route.quiet_hours, record.severity, now)) return 'quiet';
    return undefined;
  }

  private async flushGroup(key: string): Promise<void> {
    const group = this.groupStage.get(key);
    if (!group) return;
    const route = this.config.routes.get(group.route_id);
    const now = this.clock.now();
    if (!route) {
      // The configuration changed and the route is gone: drop the group.
      await this.dropGroup(group, group.fingerprints);
      return;
    }
    const records = group.fingerprints.map((fp) => this.alerts.get(fp)).filter((r): r is AlertRecord => !!r);
    for (const r of records) if (r.status === 'firing') await this.expireIfDue(r, now);
    const firing: AlertRecord[] = [];
    const resolved: AlertRecord[] = [];
    const removable: string[] = [];
    let mutedAny = false;
    for (const r of records) {
      const why = this.muted(r, route, now);
      if (r.status === 'resolved' && why !== 'quiet') removable.push(r.fingerprint);
      if (why) {
        mutedAny = true;
        continue;
      }
      if (r.status === 'firing') {
        if (!r.acked) firing.push(r);
      } else resolved.push(r);
    }
    const firingFps = firing.map((r) => r.fingerprint).sort();
    const resolvedFps = resolved.map((r) => r.fingerprint).sort();
    const receiver = group.receiver;
    // Everything muted: the pipeline stops here and the notification log stays as it was, so muting
    // neither produces an "all clear" nor makes the alerts look new when it ends (Alertmanager).
    const allMuted = mutedAny && firing.length === 0 && resolved.length === 0;
    if (
      !allMuted &&
      this.dedupStage.needsUpdate(
        receiver,
        key,
        firingFps,
        resolvedFps,
        route.send_resolved,
        route.repeat_interval,
        now,
      )
    ) {
      const fresh = firing.filter(
        (r) => !r.incident_id || this.escalateStage.get(r.incident_id)?.status === 'resolved',
      );
      if (fresh.length > 0) await this.openIncident(fresh, group, route, now);
      const shown = route.send_resolved ? [...firing, ...resolved] : firing;
      if (shown.length > 0) {
        await this.enqueue(
          this.buildNotification(
            'group',
            receiver,
            group.key,
            group.labels,
            firing,
            route.send_resolved ? resolved : [],
            now,
          ),
          receiver,
        );
      }
      const entry: NotificationLogEntry = {
        receiver,
        group_key: key,
        firing: firingFps,
        resolved: resolvedFps,
        at: now,
      };
      this.dedupStage.record(entry);
      await this.store.put('nflog', nflogKey(receiver, key), entry);
    }
    if (removable.length > 0) await this.dropFromGroup(group, removable);
    const current = this.groupStage.get(key);
    if (!current) return;
    if (current.fingerprints.length === 0) {
      await this.dropGroup(current, []);
      return;
    }
    current.next_flush_at = now + route.group_interval;
    this.scheduler.schedule(`g:${key}`, current.next_flush_at);
    await this.store.put('groups', key, storedGroup(current));
  }

  /** A firing alert past its `ends_at`, or silent for `resolve_timeout`, resolves (Alertmanager). */
  private async expireIfDue(r: AlertRecord, now: number): Promise<void> {
    const endsAt = r.ends_at !== undefined ? Date.parse(r.ends_at) : Number.NaN;
    const timeout = this.config.resolveTimeout;
    const byEnd = !Number.isNaN(endsAt) && endsAt <= now;
    const byTimeout = timeout !== undefined && now - r.updated_at >= timeout;
    if (!byEnd && !byTimeout) return;
    r.status = 'resolved';
    if (!byEnd) r.ends_at = new Date(now).toISOString();
    r.updated_at = now;
    this.inhibitStage.observe(r);
    await this.store.put('alerts', r.fingerprint, r);
    await this.settleIncidentOf(r);
  }

  private async dropFromGroup(group: GroupState, fps: string[]): Promise<void> {
    for (const fp of this.groupStage.remove(group.key, fps)) {
      const r = this.alerts.get(fp);
      if (r) this.inhibitStage.forget(r);
      this.alerts.delete(fp);
      await this.store.delete('alerts', fp);
    }
  }

  private async dropGroup(group: GroupState, fps: string[]): Promise<void> {
    if (fps.length > 0) await this.dropFromGroup(group, fps);
    this.groupStage.delete(group.key);
    this.scheduler.cancel(`g:${group.key}`);
    this.dedupStage.delete(group.receiver, group.key);
    await this.store.delete('groups', group.key);
    await this.store.delete('nflog', nflogKey(group.receiver, group.key));
  }

  private buildNotification(
    kind: NotificationData['kind'],
    receiver: string,
    groupKey: string,
    groupLabels: Labels,
    firing: AlertRecord[],
    resolved: AlertRecord[],
    now: number,
    escalation?: { level: number; loop: number },
  ): NotificationData {
    const codes: string[] = [];
    let newest: Incident | undefined;
    for (const r of firing) {
      const inc = r.incident_id ? this.escalateStage.get(r.incident_id) : undefined;
      if (!inc) continue;
      if (!codes.includes(inc.ack_code)) codes.push(inc.ack_code);
      if (!newest || inc.opened_at >= newest.opened_at) newest = inc;
    }
    const all = [...firing, ...resolved];
    return {
      id: this.newId('ntf'),
      kind,
      receiver,
      group_key: groupKey,
      group_labels: groupLabels,
      status: firing.length > 0 ? 'firing' : 'resolved',
      severity: maxSeverity((firing.length > 0 ? firing : all).map((r) => r.severity)),
      alerts: all.map((r) => ({
        fingerprint: r.fingerprint,
        status: r.status,
        severity: r.severity,
        labels: r.labels,
        annotations: r.annotations,
        starts_at: r.starts_at,
        ...(r.ends_at ? { ends_at: r.ends_at } : {}),
      })),
      firing: firing.map((r) => r.fingerprint),
      resolved: resolved.map((r) => r.fingerprint),
      ...(newest ? { ack_code: newest.ack_code } : {}),
      ack_codes: codes,
      ...(escalation ? { escalation } : {}),
      created_at: now,
    };
  }

  // ---- escalate --------------------------------------------------------------------------------

  private async openIncident(
    records: AlertRecord[],
    group: GroupState,
    route: RouteNode,
    now: number,
  ): Promise<void> {
    const incident = this.escalateStage.open(
      {
        id: this.newId('inc'),
        group_key: group.key,
        route_id: route.id,
        policy: route.escalation,
        fingerprints: records.map((r) => r.fingerprint),
      },
      now,
    );
    for (const r of records) {
      r.incident_id = incident.id;
      await this.store.put('alerts', r.fingerprint, r);
    }
    await this.store.put('incidents', incident.id, incident);
    if (incident.next_at !== undefined) this.scheduler.schedule(`e:${incident.id}`, incident.next_at);
  }

  private activeAlertsOf(incident: Incident): AlertRecord[] {
    const out: AlertRecord[] = [];
    for (const fp of incident.fingerprints) {
      const r = this.alerts.get(fp);
      if (r && r.status === 'firing' && !r.acked && r.incident_id === incident.id) out.push(r);
    }
    return out;
  }

  private async escalate(id: string): Promise<void> {
    const incident = this.escalateStage.get(id);
    if (incident?.status !== 'open') return;
    const now = this.clock.now();
    const active = this.activeAlertsOf(incident);
    if (active.length === 0) {
      this.escalateStage.resolve(incident);
      await this.store.put('incidents', id, incident);
      return;
    }
    const route = this.config.routes.get(incident.route_id);
    const audible = route ? active.filter((r) => !this.muted(r, route, now)) : active;
    if (audible.length === 0) {
      // Silenced, inhibited or in quiet hours: hold the level and look again later.
      incident.next_at = now + MUTED_RECHECK_MS;
      this.scheduler.schedule(`e:${id}`, incident.next_at);
      await this.store.put('incidents', id, incident);
      return;
    }
    const step = this.escalateStage.advance(incident, now);
    if (step) {
      const group = this.groupStage.get(incident.group_key);
      for (const receiver of step.receivers) {
        const data = this.buildNotification(
          'escalation',
          receiver,
          incident.group_key,
          group?.labels ?? {},
          audible,
          [],
          now,
          {
            level: step.level,
            loop: step.loop,
          },
        );
        await this.enqueue(data, receiver);
      }
      this.logger.info(
        { component: 'notify', incident: id, level: step.level, loop: step.loop },
        'escalated',
      );
    }
    if (incident.next_at !== undefined) this.scheduler.schedule(`e:${id}`, incident.next_at);
    await this.store.put('incidents', id, incident);
  }

  /** When every alert of an incident resolved, the incident resolves and its pending work stops. */
  private async settleIncidentOf(record: AlertRecord): Promise<void> {
    const incident = record.incident_id ? this.escalateStage.get(record.incident_id) : undefined;
    if (incident && incident.status !== 'resolved') {
      const stillFiring = incident.fingerprints.some((fp) => {
        const r = this.alerts.get(fp);
        return r?.status === 'firing' && r.incident_id === incident.id;
      });
      if (!stillFiring) {
        this.escalateStage.resolve(incident);
        this.scheduler.cancel(`e:${incident.id}`);
        await this.store.put('incidents', incident.id, incident);
      }
    }
    await this.cancelStaleDeliveries();
  }

  // ---- acknowledgement -------------------------------------------------------------------------

  /**
   * Acknowledges an incident (by its code) or an alert (by fingerprint). Stops the escalation and every
   * pending delivery and retry whose firing alerts are all acknowledged or resolved; repeats stop too.
   */
  async acknowledge(input: AcknowledgeInput): Promise<AcknowledgeResult> {
    await this.ready();
    return this.run(() => this.acknowledgeNow(input));
  }

  private async acknowledgeNow(input: AcknowledgeInput): Promise<AcknowledgeResult> {
    const now = this.clock.now();
    let incident: Incident | undefined;
    let record: AlertRecord | undefined;
    if (input.ack_code) incident = this.escalateStage.byAckCode(input.ack_code);
    else if (input.fingerprint) {
      record = this.alerts.get(input.fingerprint);
      if (record?.incident_id) incident = this.escalateStage.get(record.incident_id);
    }
    if (!incident && !record) {
      throw new NotifyAckError(
        input.ack_code
          ? `acknowledge: no incident with code ${input.ack_code}`
          : `acknowledge: no alert ${input.fingerprint ?? '(none given)'}`,
      );
    }
    const info: AckInfo = {
      by: input.by,
      via: input.via ?? 'api',
      at: new Date(now).toISOString(),
      ...(input.note ? { note: input.note } : {}),
    };
    const already = incident?.status === 'acknowledged';
    let cancelledEscalation = false;
    if (incident && incident.status === 'open') {
      this.escalateStage.acknowledge(incident, info);
      cancelledEscalation = this.scheduler.cancel(`e:${incident.id}`);
      await this.store.put('incidents', incident.id, incident);
    }
    const fps = incident ? incident.fingerprints : [record!.fingerprint];
    for (const fp of fps) {
      const r = this.alerts.get(fp);
      if (r?.status !== 'firing' || r.acked) continue;
      if (incident && r.incident_id !== incident.id) continue;
      r.acked = info;
      await this.store.put('alerts', fp, r);
    }
    const cancelled = await this.cancelStaleDeliveries();
    this.logger.info(
      {
        component: 'notify',
        incident: incident?.id,
        by: info.by,
        via: info.via,
        cancelled_deliveries: cancelled,
      },
      'acknowledged',
    );
    return {
      incident_id: incident?.id,
      ack_code: incident?.ack_code,
      fingerprints: fps,
      already_acknowledged: already,
      cancelled_deliveries: cancelled,
      cancelled_escalation: cancelledEscalation,
    };
  }

  /** Cancels every pending firing delivery whose alerts are all acknowledged, resolved or gone. */
  private async cancelStaleDeliveries(): Promise<number> {
    let n = 0;
    for (const job of [...this.jobs.values()]) {
      if (job.notification.firing.length === 0) continue;
      const live = job.notification.firing.some((fp) => {
        const r = this.alerts.get(fp);
        return r !== undefined && r.status === 'firing' && !r.acked;
      });
      if (live) continue;
      this.jobs.delete(job.id);
      this.scheduler.cancel(`d:${job.id}`);
      await this.store.delete('deliveries', job.id);
      const address = job.chain[job.step];
      this.emit(this.deliverStage.receipt(job, address, 'suppressed', this.clock.now()));
      n++;
    }
    return n;
  }

  // ---- deliver -------------------------------------------------------------------------------

  private async enqueue(data: NotificationData, receiverName: string): Promise<void> {
    const receiver = this.config.receivers.get(receiverName);
    if (!receiver) return;
    const now = this.clock.now();
    for (const contact of receiver.contacts) {
      const job: DeliveryJob = {
        id: this.newId('dlv'),
        notification: data,
        receiver: receiverName,
        contact: contact.name,
        chain: contact.chain,
        step: 0,
        attempt: 0,
        total_attempts: 0,
        next_at: now,
      };
      this.jobs.set(job.id, job);
      await this.store.put('deliveries', job.id, job);
      this.scheduleDelivery(job.id, now);
    }
  }

  /** Due now: start the send right away (no timer round trip); later: on the scheduler. */
  private scheduleDelivery(id: string, at: number): void {
    if (at <= this.clock.now()) {
      this.scheduler.cancel(`d:${id}`);
      this.dispatch(id);
    } else this.scheduler.schedule(`d:${id}`, at);
  }

  /** Starts a send outside the queue; its outcome comes back through the queue. */
  private dispatch(id: string): void {
    const job = this.jobs.get(id);
    if (!job) return;
    const address = job.chain[job.step];
    const span = this.tracer?.startSpan('notify.deliver', {
      attributes: {
        'notify.channel': address?.channel ?? 'none',
        'notify.receiver': job.receiver,
        'notify.notification_id': job.notification.id,
        'notify.attempt': job.attempt + 1,
      },
    });
    const p = this.deliverStage
      .attempt(job, () => this.clock.now())
      .then((outcome) => {
        if (span) {
          span.setAttribute('notify.outcome', outcome.kind);
          const failed = outcome.kind !== 'sent' && outcome.kind !== 'wait';
          span.setStatus(
            failed ? { code: 2, message: outcome.receipt.error?.code ?? outcome.kind } : { code: 1 },
          );
          span.end();
        }
        return outcome;
      })
      .then(
        (outcome) => this.run(() => this.applyOutcome(id, job, outcome)),
        (err: unknown) => {
          this.logger.error(
            { component: 'notify', delivery: id, err: this.vault.redact(String(err)) },
            'delivery attempt crashed',
          );
          return this.run(() =>
            // A bug, not a provider answer: stop this job rather than loop on it.
            this.applyOutcome(id, job, {
              kind: 'failed',
              receipt: this.deliverStage.receipt(job, job.chain[job.step], 'failed', this.clock.now(), {
                ok: false,
                retryable: false,
                code: 'internal',
                message: this.vault.redact(String(err)),
              }),
            }),
          );
        },
      )
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private async applyOutcome(id: string, job: DeliveryJob, outcome: AttemptOutcome): Promise<void> {
    // Acknowledged (or otherwise cancelled) while the send was in flight: nothing more happens.
    if (this.jobs.get(id) !== job) {
      if (outcome.kind === 'sent') this.emit(outcome.receipt);
      return;
    }
    switch (outcome.kind) {
      case 'sent': {
        this.emit(outcome.receipt);
        this.logLine(job, outcome.receipt, 'sent', outcome.duration_ms);
        if (outcome.receipt.provider_message_id)
          this.rememberSent(outcome.receipt.provider_message_id, job, outcome.message.template !== undefined);
        this.jobs.delete(id);
        await this.store.delete('deliveries', id);
        return;
      }
      case 'failed': {
        this.emit(outcome.receipt);
        this.logLine(job, outcome.receipt, 'failed for good on every channel', outcome.duration_ms);
        this.jobs.delete(id);
        await this.store.delete('deliveries', id);
        return;
      }
      case 'wait':
      case 'retry':
      case 'failover': {
        if (outcome.kind !== 'wait') {
          this.emit(outcome.receipt);
          this.logLine(
            job,
            outcome.receipt,
            outcome.kind === 'failover' ? `failing over to ${job.chain[job.step]?.channel}` : 'will retry',
            outcome.duration_ms,
          );
        }
        job.next_at = outcome.at;
        await this.store.put('deliveries', id, job);
        this.scheduleDelivery(id, outcome.at);
        return;
      }
    }
  }

  private logLine(job: DeliveryJob, r: DeliveryReceipt, msg: string, durationMs?: number): void {
    const line = {
      component: 'notify',
      contract: 'notify',
      version: 1,
      operation: 'deliver',
      target: r.channel,
      outcome: r.status,
      attempt: r.attempts,
      ...(durationMs !== undefined ? { duration_ms: durationMs } : {}),
      correlation_id: job.notification.id,
      delivery: job.id,
      receiver: job.receiver,
      contact: job.contact,
      ...(r.error ? { error_code: r.error.code, error: r.error.message } : {}),
    };
    if (r.status === 'sent') this.logger.info(line, msg);
    else this.logger.warn(line, msg);
  }

  private emit(receipt: DeliveryReceipt): void {
    try {
      this.onReceipt?.(receipt);
    } catch (err) {
      this.logger.error({ component: 'notify', err: this.vault.redact(String(err)) }, 'onReceipt threw');
    }
  }

  private rememberSent(providerId: string, job: DeliveryJob, template: boolean): void {
    const address = job.chain[job.step];
    if (!address) return;
    this.sent.set(providerId, {
      job: structuredClone(job),
      channel: address.channel,
      to: address.to,
      template,
    });
    if (this.sent.size > MAX_SENT_REMEMBERED) {
      const first = this.sent.keys().next().value;
      if (first !== undefined) this.sent.delete(first);
    }
  }

  // ---- WhatsApp feedback -----------------------------------------------------------------------

  /** A message from a WhatsApp user: opens their 24-hour window. */
  async recordInbound(phone: string, at?: number): Promise<void> {
    await this.ready();
    await this.run(async () => {
      const t = at ?? this.clock.now();
      this.windows.touch(phone, t);
      const p = normalizePhone(phone);
      await this.store.put('windows', p, { phone: p, at: this.windows.lastInbound(p) ?? t });
    });
  }

  /** A delivery status from the WhatsApp webhook; a 131047 failure of free text is re-sent as the template. */
  async recordWhatsAppStatus(status: WhatsAppStatusInput): Promise<void> {
    await this.ready();
    await this.run(async () => {
      const known = this.sent.get(status.id);
      if (!known) return;
      const mapped: DeliveryReceipt['status'] | undefined =
        status.status === 'delivered'
          ? 'delivered'
          : status.status === 'read'
            ? 'read'
            : status.status === 'failed'
              ? 'failed'
              : undefined;
      if (!mapped) return;
      const err = status.errors?.[0];
      this.emit({
        ...this.deliverStage.receipt(
          known.job,
          { channel: known.channel, to: known.to },
          mapped,
          this.clock.now(),
        ),
        provider_message_id: status.id,
        ...(err
          ? {
              error: {
                code: String(err.code ?? 'unknown'),
                message: this.vault.redact(err.title ?? err.message ?? ''),
                retryable: false,
              },
            }
          : {}),
      });
      if (mapped === 'failed' && err?.code === 131047 && !known.template) {
        const live = known.job.notification.firing.some((fp) => {
          const r = this.alerts.get(fp);
          return r?.status === 'firing' && !r.acked;
        });
        if (!live) return;
        const job: DeliveryJob = {
          ...known.job,
          id: this.newId('dlv'),
          attempt: 0,
          force_template: true,
          next_at: this.clock.now(),
        };
        this.jobs.set(job.id, job);
        await this.store.put('deliveries', job.id, job);
        this.scheduleDelivery(job.id, job.next_at);
      }
    });
  }

  /**
   * The WhatsApp webhook receiver bound to this engine, with `channels.whatsapp.app_secret` and
   * `verify_token` resolved through the engine's secret resolver.
   */
  whatsappWebhook(): (request: Request) => Promise<Response> {
    const wa = this.config.raw.channels.whatsapp;
    if (!wa?.app_secret || !wa.verify_token) {
      throw new NotifyConfigError(
        'channels.whatsapp: app_secret and verify_token are needed for the webhook',
      );
    }
    return createWhatsAppWebhookHandler({
      engine: this,
      appSecret: wa.app_secret,
      verifyToken: wa.verify_token,
      vault: this.vault,
      logger: this.logger,
    });
  }

  /**
   * The engine's HTTP API (events, acknowledgements, alerts, silences) as a Fetch API handler; pass a
   * `token` (SecretRef or `{ value }`) to require `Authorization: Bearer`.
   */
  apiHandler(
    options: { token?: SecretInput; basePath?: string } = {},
  ): (request: Request) => Promise<Response> {
    return createNotifyApiHandler({ engine: this, vault: this.vault, ...options });
  }

  // ---- silences --------------------------------------------------------------------------------

  /** Adds a silence; returns it with its id. */
  async addSilence(input: SilenceInput): Promise<Silence> {
    await this.ready();
    return this.run(async () => {
      const silence: Silence = {
        id: this.newId('sil'),
        matchers: input.matchers,
        starts_at: input.starts_at ?? new Date(this.clock.now()).toISOString(),
        ends_at: input.ends_at,
        created_by: input.created_by,
        ...(input.comment ? { comment: input.comment } : {}),
      };
      this.silenceStage.put(silence);
      await this.store.put('silences', silence.id, silence);
      return silence;
    });
  }

  /** Expires a silence now. */
  async expireSilence(id: string): Promise<Silence | undefined> {
    await this.ready();
    return this.run(async () => {
      const s = this.silenceStage.expire(id, this.clock.now());
      if (s) await this.store.put('silences', id, s);
      return s;
    });
  }

  /** Every silence. */
  listSilences(): Silence[] {
    return this.silenceStage.list();
  }

  // ---- inspection ------------------------------------------------------------------------------

  /** A snapshot of the engine's state, for tests and an ops endpoint. */
  inspect(): {
    alerts: AlertRecord[];
    groups: GroupState[];
    incidents: Incident[];
    deliveries: DeliveryJob[];
    scheduled: number;
  } {
    return {
      alerts: [...this.alerts.values()],
      groups: [...this.groupStage.all()],
      incidents: [...this.escalateStage.all()],
      deliveries: [...this.jobs.values()],
      // Pending work items; the recurring housekeeping entry is not one.
      scheduled: this.scheduler.size - (this.scheduler.dueAt(HOUSEKEEPING_KEY) === undefined ? 0 : 1),
    };
  }
}

/** What is stored of a group: its timing, not its members (those are re-derived by routing). */
function storedGroup(group: GroupState): GroupState {
  return { ...group, fingerprints: [] };
}

/** Creates an engine (call `start()` to resume from the store; the first operation starts it anyway). */
export function createNotifyEngine(options: NotifyEngineOptions): NotifyEngine {
  return new NotifyEngine(options);
}
