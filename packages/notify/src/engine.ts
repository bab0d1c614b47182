import type { ChannelKind, DeliveryReceipt } from '@fieldops/contracts/notify/v1';
import type { Channel } from './channels/channel.js';
import { createDiscordChannel } from './channels/discord/index.js';
import { createEmailChannel } from './channels/email/index.js';
import { createSlackChannel } from './channels/slack/index.js';
import { createWhatsAppChannel } from './channels/whatsapp/index.js';
import { normalizePhone, WhatsAppWindows } from './channels/whatsapp/window.js';
import { type NormalizedConfig, type NotifyConfig, normalizeConfig } from './config.js';
import { AttemptRunner } from './delivery/attempt-timeout.js';
import { RateLimiter } from './delivery/rate-limiter.js';
import { applyChanges } from './engine/apply.js';
import { Coalescer } from './engine/coalesce.js';
import { type EngineContext, HOUSEKEEPING_KEY } from './engine/context.js';
import { dispatch } from './engine/delivery.js';
import { EventLoopTurn } from './engine/event-loop-turn.js';
import { flushGroup } from './engine/flush.js';
import { heartbeatDue } from './engine/heartbeats.js';
import { acknowledgeNow, escalate } from './engine/incidents.js';
import { ingestNow } from './engine/ingest.js';
import { DEFAULT_LEASE_MS, LeaseKeeper, type LeaseOptions } from './engine/lease.js';
import { buildPipeline } from './engine/pipeline.js';
import { housekeeping, load } from './engine/state.js';
import { claimWebhookEvent } from './engine/webhook-events.js';
import { applyWhatsAppStatus } from './engine/whatsapp-status.js';
import { NotifyConfigError, NotifyError, NotifyLeaseLostError } from './errors.js';
import { createNotifyApiHandler, type NotifyApiOptions } from './http/api-handler.js';
import type { PreflightHandler } from './http/preflight.js';
import { createIdMaker } from './ids.js';
import { Scheduler } from './scheduler/scheduler.js';
import { createDefaultSecretResolver, type SecretResolver, SecretVault } from './secrets.js';
import { DEFAULT_SOURCES } from './sources/index.js';
import type { SourceAdapters } from './sources/source.js';
import { DedupStage } from './stages/dedup.js';
import { DeliverStage, type DeliveryJob } from './stages/deliver.js';
import { EscalateStage, type Incident } from './stages/escalate.js';
import { GroupStage, type GroupState } from './stages/group.js';
import { EventKeyLog, type IngestInput, IngestStage } from './stages/ingest.js';
import { InhibitStage } from './stages/inhibit.js';
import { MuteStage, TimeIntervalMuter } from './stages/mute.js';
import { RouteStage, RouteTree } from './stages/route.js';
import { type Silence, type SilenceInput, SilenceStage } from './stages/silence.js';
import { GroupCommit } from './store/group-commit.js';
import { MemoryNotifyStore } from './store/memory-store.js';
import type { NotifyStore } from './store/store.js';
import { MessageRenderer } from './templates/render.js';
import {
  type AcknowledgeInput,
  type AcknowledgeResult,
  type AlertRecord,
  type Clock,
  GLOBAL_TIMERS,
  type IngestResult,
  type Logger,
  type RandomSource,
  SILENT_LOGGER,
  SYSTEM_CLOCK,
  type TimerApi,
  type TracerLike,
  type WhatsAppStatusInput,
} from './types.js';
import { createWhatsAppWebhookHandler } from './webhook/whatsapp-webhook.js';

/** Everything the engine can be given; only `config` is required. */
export interface NotifyEngineOptions {
  config: NotifyConfig;
  /**
   * Where state survives restarts: `createPgliteNotifyStore` (`@fieldops/notify/pglite`),
   * `createPgNotifyStore` (`@fieldops/notify/pg`), or a MemoryNotifyStore (the default; nothing survives).
   */
  store?: NotifyStore;
  /**
   * Replicas sharing one store (Postgres): due work runs only on the replica holding the engine lease;
   * the others wait as standbys and take over within the lease time. Used when the store has leases.
   */
  lease?: LeaseOptions;
  /** Called when this replica lost the engine lease (it has stopped; a service should exit and restart). */
  onLeaseLost?: (why: string) => void;
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

// The operations' input and result types live in ./types.ts (no module imports the engine class).
export type { AcknowledgeInput, AcknowledgeResult, IngestResult, WhatsAppStatusInput } from './types.js';

/**
 * The notifications engine: ingest → route → group → inhibit → silence / quiet hours → dedup →
 * escalate → deliver, composed here and nowhere else. State lives in memory and is written through
 * to the store; one scheduler drives every wait. Every operation runs on one serial queue, so a timer
 * and an acknowledgement never interleave half-way; channel sends run outside it.
 */
export class NotifyEngine {
  /** The validated configuration. */
  readonly config: NormalizedConfig;
  private readonly s: EngineContext;
  private queue: Promise<unknown> = Promise.resolve();
  /** Gives the event loop a turn after a stretch of queued work (timers and I/O are not starved). */
  private readonly turn = new EventLoopTurn();
  /** Concurrent ingests share a queue task (decision 0054). */
  private readonly ingests: Coalescer<IngestInput, IngestResult> = new Coalescer({
    run: (fn) => this.run(fn),
    turn: this.turn,
    each: (input) => ingestNow(this.s, input),
  });
  private started: Promise<void> | undefined;
  private stopped = false;
  private loaded = false;
  private readonly attempts: AttemptRunner;
  private readonly lease: LeaseKeeper | undefined;
  private role: 'standby' | 'active' | 'stopped' = 'standby';

  constructor(options: NotifyEngineOptions) {
    const config = normalizeConfig(options.config);
    this.config = config;
    const clock = options.clock ?? SYSTEM_CLOCK;
    const logger = options.logger ?? SILENT_LOGGER;
    const random = options.random ?? Math.random;
    const vault = new SecretVault(options.secrets ?? createDefaultSecretResolver());
    const scheduler = new Scheduler({
      clock,
      timers: options.timers ?? GLOBAL_TIMERS,
      onDue: (key) => this.onDue(key),
    });
    scheduler.stop();
    const eventLog = new EventKeyLog();
    const attempts = new AttemptRunner(config.attemptTimeout, options.timers ?? GLOBAL_TIMERS);
    this.attempts = attempts;
    const windows = new WhatsAppWindows();

    const deps = {
      fetch: options.fetch ?? ((...a: Parameters<typeof fetch>) => globalThis.fetch(...a)),
      vault,
      logger,
      clock,
    };
    const ch = config.raw.channels;
    const channels: Partial<Record<ChannelKind, Channel>> = {
      ...(ch.whatsapp ? { whatsapp: createWhatsAppChannel(ch.whatsapp, deps) } : {}),
      ...(ch.email ? { email: createEmailChannel(ch.email, deps) } : {}),
      ...(ch.slack ? { slack: createSlackChannel(ch.slack, deps) } : {}),
      ...(ch.discord ? { discord: createDiscordChannel(ch.discord, deps) } : {}),
      ...options.channels,
    };

    const inhibitStage = new InhibitStage(config.inhibit);
    const silenceStage = new SilenceStage();
    const newId = createIdMaker(random, () => clock.now());
    const alerts = new Map<string, AlertRecord>();
    const jobs = new Map<string, DeliveryJob>();
    const escalateStage = new EscalateStage(config.policies, random, newId);
    const groupStage = new GroupStage();
    const dedupStage = new DedupStage();
    const ingestStage = new IngestStage({
      sources: { ...DEFAULT_SOURCES, ...options.sources },
      events: eventLog,
      alerts,
      ttl: config.eventKeyTtl,
      validate: options.validate ?? true,
    });
    const routeTree = new RouteTree(config.root);
    const deliverStage = new DeliverStage({
      channels,
      renderer: new MessageRenderer(config.raw.templates),
      limiter: new RateLimiter(),
      windows,
      whatsapp: ch.whatsapp,
      retry: config.retry,
      random,
      redact: (t) => vault.redact(t),
      attempts,
      receivers: config.receivers,
      incident: (id) => escalateStage.get(id),
      newId,
    });
    // The stages, in pipeline order: composed once, in src/engine/pipeline.ts.
    const pipeline = buildPipeline({
      ingest: ingestStage,
      route: new RouteStage(routeTree),
      group: groupStage,
      inhibit: inhibitStage,
      silence: silenceStage,
      time_intervals: new TimeIntervalMuter(config.timeIntervals),
      dedup: dedupStage,
      escalate: escalateStage,
      deliver: deliverStage,
    });
    const store: NotifyStore = options.store ?? new MemoryNotifyStore();
    const onLeaseLost = options.onLeaseLost;
    this.lease = store.leases
      ? new LeaseKeeper(
          store.leases,
          options.lease?.owner ?? defaultOwner(random),
          options.lease?.ttlMs ?? DEFAULT_LEASE_MS,
          options.timers ?? GLOBAL_TIMERS,
          logger,
          (why) => {
            logger.error({ component: 'notify', operation: 'lease', why }, 'engine lease lost: stopping');
            void this.halt();
            onLeaseLost?.(why);
          },
        )
      : undefined;
    const writer = new GroupCommit(store, {
      fence: () => this.lease?.fence,
      onError: (err) => {
        if (err instanceof NotifyLeaseLostError) this.lease?.lost(err.message);
        else
          logger.error(
            { component: 'notify', operation: 'store', err: vault.redact(String(err)) },
            'store write failed; the batch is kept and retried with the next one',
          );
      },
    });

    this.s = {
      config,
      store: writer,
      clock,
      logger,
      random,
      onReceipt: options.onReceipt,
      tracer: options.tracer,
      vault,
      scheduler,
      newId,
      eventLog,
      ingestStage,
      routeTree,
      groupStage,
      inhibitStage,
      silenceStage,
      muter: new MuteStage(pipeline.muters),
      dedupStage,
      escalateStage,
      deliverStage,
      pipeline,
      apply: (changes) => applyChanges(this.s, changes),
      channels,
      windows,
      alerts,
      jobs,
      sent: new Map(),
      inflight: new Set(),
      heartbeats: new Map(),
      overflow: { dropped: 0, candidates: new Set() },
      run: (fn) => this.run(fn),
    };
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  /**
   * Loads state from the store and arms the scheduler; pending groups, escalations and deliveries
   * resume. With a shared store (leases) it first waits, as a standby, until this replica holds the
   * engine lease.
   */
  start(): Promise<void> {
    this.started ??= (async () => {
      if (this.lease) await this.lease.acquire();
      if (this.stopped) return;
      await this.run(async () => {
        await load(this.s);
        this.loaded = true;
        this.role = 'active';
      });
    })();
    return this.started;
  }

  /** `standby` (waiting for the engine lease, or not started), `active`, or `stopped`. */
  get state(): 'standby' | 'active' | 'stopped' {
    return this.role;
  }

  /**
   * Stops the scheduler, aborts sends in flight (they count as failed attempts and are retried after
   * the next start), writes what is buffered, gives up the engine lease and closes channels; pending
   * work stays in the store for the next start.
   */
  async stop(): Promise<void> {
    await this.halt();
    await this.s.store.commit().catch(() => undefined);
    await this.lease?.release();
    for (const c of Object.values(this.s.channels)) await c?.close?.();
  }

  /**
   * Graceful stop (SIGTERM): starts no new work, gives the sends in flight up to `graceMs` to finish,
   * then stops as `stop()` does (what is still in flight is aborted and retried after the next start).
   */
  async drain(graceMs: number): Promise<'drained' | 'timed_out'> {
    this.stopped = true;
    this.role = 'stopped';
    this.s.scheduler.stop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      this.settle().then(() => 'drained' as const),
      new Promise<'timed_out'>((res) => {
        timer = setTimeout(() => res('timed_out'), graceMs);
      }),
    ]);
    clearTimeout(timer);
    await this.stop();
    return outcome;
  }

  /** Stops taking work: scheduler off, sends aborted, queue drained. */
  private async halt(): Promise<void> {
    this.stopped = true;
    this.role = 'stopped';
    this.s.scheduler.stop();
    this.attempts.abortAll();
    await this.settle();
  }

  /** Resolves when the queue is empty, no send is in flight and every write is in the store. */
  async settle(): Promise<void> {
    for (;;) {
      const q = this.queue;
      await q;
      if (this.s.inflight.size > 0) await Promise.allSettled([...this.s.inflight]);
      // A store that refuses writes does not keep settle() spinning: it returns and the writes wait.
      const written = await this.s.store.commit().then(
        () => true,
        () => false,
      );
      if (q === this.queue && this.s.inflight.size === 0 && (this.s.store.pending === 0 || !written)) return;
    }
  }

  /**
   * Runs `fn` on the serial queue. Its writes form one batch unit (sealed when it ends); the caller is
   * answered once they are in the store (group commit), while the queue goes on with the next task.
   */
  private run<T>(fn: () => Promise<T> | T): Promise<T> {
    // Ingests made from now on go after this task (a coalesced ingest never overtakes it).
    this.ingests.close();
    const next = this.queue.then(() => {
      // Queued tasks chain as microtasks: without a yield, a burst of them would keep timers (the
      // lease renewal) and I/O (its answer) waiting until the whole burst is done.
      const turn = this.turn.yieldIfDue();
      return turn ? turn.then(() => this.execute(fn)) : this.execute(fn);
    });
    this.queue = next.then(undefined, ignore);
    return next.then((value) => this.s.store.commit().then(() => value));
  }

  /**
   * Runs one queued task and seals its writes when it ends, failed or not. A task that completes
   * synchronously (the common ingest) is sealed at once, without a promise of its own.
   */
  private execute<T>(fn: () => Promise<T> | T): Promise<T> | T {
    const store = this.s.store;
    let result: Promise<T> | T;
    try {
      result = fn();
    } catch (err) {
      store.seal();
      throw err;
    }
    if (!(result instanceof Promise)) {
      store.seal();
      return result;
    }
    return result.then(
      (value) => {
        store.seal();
        return value;
      },
      (err: unknown) => {
        store.seal();
        throw err;
      },
    );
  }

  /**
   * Undefined once started; else the start. Callers await it only when it is a promise, so once
   * started an operation is queued as it is called: operations run in call order.
   */
  private ready(): Promise<void> | undefined {
    if (this.stopped) throw new NotifyError('engine_stopped', 'the engine is stopped');
    return this.loaded ? undefined : this.start();
  }

  /** Runs `then` once started: at once when it is (queued in call order), else after the start. */
  private whenReady<T>(then: () => Promise<T>): Promise<T> {
    let starting: Promise<void> | undefined;
    try {
      starting = this.ready();
    } catch (err) {
      return Promise.reject(err);
    }
    return starting ? starting.then(then) : then();
  }

  /** Queues `fn` on the serial queue once started (see {@link whenReady}). */
  private queued<T>(fn: () => Promise<T> | T): Promise<T> {
    return this.whenReady(() => this.run(fn));
  }

  private onDue(key: string): void {
    void this.run(async () => {
      if (key.startsWith('g:')) await flushGroup(this.s, key.slice(2));
      else if (key.startsWith('e:')) await escalate(this.s, key.slice(2));
      else if (key.startsWith('d:')) dispatch(this.s, key.slice(2));
      else if (key.startsWith('b:')) {
        for (const alert of await heartbeatDue(this.s, key.slice(2))) await ingestNow(this.s, alert);
      } else if (key === HOUSEKEEPING_KEY) await housekeeping(this.s);
    }).catch((err: unknown) => {
      this.s.logger.error(
        { component: 'notify', key, err: this.s.vault.redact(String(err)) },
        'scheduled work failed',
      );
    });
  }

  // ---- ingest -> route -> group --------------------------------------------------------------

  /** Takes a CloudEvent or a contract Alert; idempotent by `source` + `id`. */
  ingest(input: IngestInput): Promise<IngestResult> {
    // Started and running (the hot path): straight onto the queue.
    if (this.loaded && !this.stopped) return this.ingests.submit(input);
    return this.whenReady(() => this.ingests.submit(input));
  }

  /**
   * Ingests many inputs in one turn of the queue (what a source delivering batches should use): the
   * result for each, in order; an invalid input gets `{ kind: 'invalid', error }` and the others go on.
   */
  ingestBatch(
    inputs: readonly IngestInput[],
  ): Promise<(IngestResult | { kind: 'invalid'; error: NotifyError })[]> {
    return this.queued(async () => {
      const out: (IngestResult | { kind: 'invalid'; error: NotifyError })[] = [];
      for (const input of inputs) {
        // A big batch is one task, but not one turn of the event loop (lease renewals must run).
        const turn = this.turn.yieldIfDue();
        if (turn) await turn;
        try {
          const r = ingestNow(this.s, input);
          out.push(r instanceof Promise ? await r : r);
        } catch (err) {
          if (err instanceof NotifyError) out.push({ kind: 'invalid', error: err });
          else throw err;
        }
      }
      return out;
    });
  }

  /**
   * Acknowledges an incident (by its code) or an alert (by fingerprint). Stops the escalation and every
   * pending delivery and retry whose firing alerts are all acknowledged or resolved; repeats stop too.
   */
  acknowledge(input: AcknowledgeInput): Promise<AcknowledgeResult> {
    return this.queued(() => acknowledgeNow(this.s, input));
  }

  /**
   * Claims an inbound webhook event by key: false when it is a replay (key seen) or older than
   * `channels.whatsapp.webhook_max_age` (default 1h), so it must be ignored.
   */
  claimWebhookEvent(key: string, at?: number): Promise<boolean> {
    return this.queued(() => claimWebhookEvent(this.s, key, at, this.config.webhookMaxAge));
  }

  /** A message from a WhatsApp user: opens their 24-hour window. */
  recordInbound(phone: string, at?: number): Promise<void> {
    return this.queued(async () => {
      const t = at ?? this.s.clock.now();
      this.s.windows.touch(phone, t);
      const p = normalizePhone(phone);
      await this.s.store.put('windows', p, { phone: p, at: this.s.windows.lastInbound(p) ?? t });
    });
  }

  /**
   * A delivery status from the WhatsApp webhook: a receipt; a failure Meta reports only here is
   * re-sent as the template (131047), retried (temporary codes) or failed over to the next channel.
   */
  recordWhatsAppStatus(status: WhatsAppStatusInput): Promise<void> {
    return this.queued(() => applyWhatsAppStatus(this.s, status));
  }

  /**
   * The WhatsApp webhook receiver bound to this engine, with `channels.whatsapp.app_secret` and
   * `verify_token` resolved through the engine's secret resolver.
   */
  whatsappWebhook(): PreflightHandler {
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
      vault: this.s.vault,
      logger: this.s.logger,
    });
  }

  /**
   * The engine's HTTP API (events, acknowledgements, alerts, silences) as a Fetch API handler; pass a
   * `token` (SecretRef or `{ value }`) to require `Authorization: Bearer`.
   */
  apiHandler(options: Omit<NotifyApiOptions, 'engine' | 'vault'> = {}): PreflightHandler {
    return createNotifyApiHandler({ engine: this, vault: this.s.vault, ...options });
  }

  // ---- silences --------------------------------------------------------------------------------

  /** Adds a silence; returns it with its id. */
  addSilence(input: SilenceInput): Promise<Silence> {
    return this.queued(async () => {
      const silence: Silence = {
        id: this.s.newId('sil'),
        matchers: input.matchers,
        starts_at: input.starts_at ?? new Date(this.s.clock.now()).toISOString(),
        ends_at: input.ends_at,
        created_by: input.created_by,
        ...(input.comment ? { comment: input.comment } : {}),
      };
      this.s.silenceStage.put(silence);
      await this.s.store.put('silences', silence.id, silence);
      return silence;
    });
  }

  /** Expires a silence now. */
  expireSilence(id: string): Promise<Silence | undefined> {
    return this.queued(async () => {
      const s = this.s.silenceStage.expire(id, this.s.clock.now());
      if (s) await this.s.store.put('silences', id, s);
      return s;
    });
  }

  /** Every silence. */
  listSilences(): Silence[] {
    return this.s.silenceStage.list();
  }

  // ---- inspection ------------------------------------------------------------------------------

  /** A snapshot of the engine's state, for tests and an ops endpoint. */
  inspect(): {
    alerts: AlertRecord[];
    groups: GroupState[];
    incidents: Incident[];
    deliveries: DeliveryJob[];
    scheduled: number;
    /** Store batches written since start and the documents in them (group commit). */
    writes: { batches: number; documents: number; pending: number };
  } {
    return {
      alerts: [...this.s.alerts.values()],
      groups: [...this.s.groupStage.all()],
      incidents: [...this.s.escalateStage.all()],
      deliveries: [...this.s.jobs.values()],
      // Pending work items; the recurring housekeeping entry is not one.
      scheduled: this.s.scheduler.size - (this.s.scheduler.dueAt(HOUSEKEEPING_KEY) === undefined ? 0 : 1),
      writes: {
        batches: this.s.store.stats.batches,
        documents: this.s.store.stats.writes,
        pending: this.s.store.pending,
      },
    };
  }
}

/** Swallows a failed task on the queue (its caller got the error): the next task runs anyway. */
function ignore(): undefined {
  return undefined;
}

/** A replica name unique per process: host, pid and a random suffix. */
function defaultOwner(random: RandomSource): string {
  const host = typeof process !== 'undefined' ? (process.env.HOSTNAME ?? 'host') : 'host';
  const pid = typeof process !== 'undefined' ? process.pid : 0;
  return `${host}:${pid}:${Math.floor(random() * 36 ** 6).toString(36)}`;
}

/** Creates an engine (call `start()` to resume from the store; the first operation starts it anyway). */
export function createNotifyEngine(options: NotifyEngineOptions): NotifyEngine {
  return new NotifyEngine(options);
}
