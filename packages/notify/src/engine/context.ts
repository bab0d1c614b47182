// The engine's state and dependencies, shared by the flow modules in this folder. Internal: the
// public API is the NotifyEngine class, which owns one context.
import type { ChannelKind, DeliveryReceipt } from '@fieldops/contracts/notify/v1';
import type { Channel } from '../channels/channel.js';
import type { WhatsAppWindows } from '../channels/whatsapp/window.js';
import type { NormalizedConfig } from '../config.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { SecretVault } from '../secrets.js';
import type { DedupStage } from '../stages/dedup.js';
import type { DeliverStage, DeliveryJob } from '../stages/deliver.js';
import type { EscalateStage } from '../stages/escalate.js';
import type { GroupStage, GroupState } from '../stages/group.js';
import type { HeartbeatRecord } from '../stages/heartbeat.js';
import type { EventKeyLog, IngestStage } from '../stages/ingest.js';
import type { InhibitStage } from '../stages/inhibit.js';
import type { MuteStage } from '../stages/mute.js';
import type { RouteTree } from '../stages/route.js';
import type { SilenceStage } from '../stages/silence.js';
import type { Change } from '../stages/stage.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { AlertRecord, Clock, Logger, RandomSource, TracerLike } from '../types.js';
import type { Pipeline } from './pipeline.js';

/** How many sent WhatsApp messages are remembered for late status webhooks. */
export const MAX_SENT_REMEMBERED = 10_000;
/** The scheduler key of the recurring housekeeping. */
export const HOUSEKEEPING_KEY = 'h:housekeeping';
/** How often housekeeping runs. */
export const HOUSEKEEPING_EVERY_MS = 10 * 60_000;
/** How long an ended silence stays listed. */
export const SILENCE_RETENTION_MS = 24 * 3_600_000;
/** How soon a muted escalation looks again. */
export const MUTED_RECHECK_MS = 5 * 60_000;

/** What the engine knows of a message it sent on WhatsApp (for status webhooks). */
export interface SentMessage {
  job: DeliveryJob;
  channel: ChannelKind;
  to: string;
  template: boolean;
}

/** Everything the flows work with. */
export interface EngineContext {
  readonly config: NormalizedConfig;
  /** The store behind a group-commit buffer: writes of one queue task land in one batch. */
  readonly store: GroupCommit;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: RandomSource;
  readonly onReceipt: ((r: DeliveryReceipt) => void) | undefined;
  readonly tracer: TracerLike | undefined;
  readonly vault: SecretVault;
  readonly scheduler: Scheduler;
  readonly newId: (prefix: string) => string;
  readonly eventLog: EventKeyLog;
  readonly ingestStage: IngestStage;
  readonly routeTree: RouteTree;
  readonly groupStage: GroupStage;
  readonly inhibitStage: InhibitStage;
  readonly silenceStage: SilenceStage;
  /** Inhibition, silences and time intervals, asked in that order. */
  readonly muter: MuteStage;
  readonly dedupStage: DedupStage;
  readonly escalateStage: EscalateStage;
  readonly deliverStage: DeliverStage;
  readonly channels: Partial<Record<ChannelKind, Channel>>;
  readonly windows: WhatsAppWindows;
  readonly alerts: Map<string, AlertRecord>;
  readonly jobs: Map<string, DeliveryJob>;
  readonly sent: Map<string, SentMessage>;
  readonly inflight: Set<Promise<unknown>>;
  /** The dead-man's switch: each site's last heartbeat and deadline, by site (or agent). */
  readonly heartbeats: Map<string, HeartbeatRecord>;
  /**
   * Alerts dropped because more than `max_alerts` were held (since start), and the fingerprints of
   * alerts that were non-critical when first seen, oldest first (the candidates for dropping).
   */
  readonly overflow: { dropped: number; candidates: Set<string> };
  /** The stages in pipeline order (src/engine/pipeline.ts). */
  readonly pipeline: Pipeline;
  /** Applies a stage's changes to the working state and the store (src/engine/apply.ts). */
  readonly apply: (changes: readonly Change[]) => void;
  /** Runs `fn` on the engine's serial queue. */
  run<T>(fn: () => Promise<T> | T): Promise<T>;
}

/** What is stored of a group: its timing, not its members (those are re-derived by routing). */
export function storedGroup(group: GroupState): GroupState {
  return { ...group, fingerprints: [] };
}
