// The pipeline, composed here and nowhere else (Alertmanager's pipeline builder): the order of the
// stages is PIPELINE_ORDER. Alerts enter with an input (ingest -> route -> group); the group stage
// holds them until the group's flush timer, and each flush goes on from there (inhibit -> silence ->
// time intervals -> dedup -> escalate -> deliver). The muters of the flush, in this order, are also
// what an escalation step asks (src/engine/build.ts).
import type { DedupStage } from '../stages/dedup.js';
import type { DeliverStage } from '../stages/deliver.js';
import type { EscalateStage } from '../stages/escalate.js';
import { MuterStage } from '../stages/flush-state.js';
import type { GroupStage } from '../stages/group.js';
import type { IngestStage } from '../stages/ingest.js';
import type { InhibitStage } from '../stages/inhibit.js';
import type { Muter } from '../stages/mute.js';
import type { RouteStage } from '../stages/route.js';
import type { SilenceStage } from '../stages/silence.js';
import type { Change, Stage, StageName } from '../stages/stage.js';

/** The order of the stages (ARCHITECTURE.md §6). */
export const PIPELINE_ORDER: readonly StageName[] = Object.freeze([
  'ingest',
  'route',
  'group',
  'inhibit',
  'silence',
  'time_intervals',
  'dedup',
  'escalate',
  'deliver',
]);

/** The stage that holds alerts until a timer: the stages after it run on each flush of a group. */
export const HOLDING_STAGE: StageName = 'group';

/** What the pipeline is built from: one implementation per stage. */
export interface PipelineParts {
  ingest: IngestStage;
  route: RouteStage;
  group: GroupStage;
  inhibit: InhibitStage;
  silence: SilenceStage;
  time_intervals: Muter;
  dedup: DedupStage;
  escalate: EscalateStage;
  deliver: DeliverStage;
}

// biome-ignore lint/suspicious/noExplicitAny: a chain of stages of different types, typed at its ends.
type AnyStage = Stage<any, any>;

/** The built pipeline: the stages run per input, those run per flush, and the muters in order. */
export interface Pipeline {
  /** ingest -> route -> group: takes an input, ends with the groups holding its alert. */
  readonly onInput: readonly AnyStage[];
  /** inhibit -> … -> deliver: takes a flush (startFlush), ends with what was sent. */
  readonly onFlush: readonly AnyStage[];
  /** The muters of the flush stages, in pipeline order. */
  readonly muters: readonly Muter[];
}

/** Builds the pipeline from its parts, in PIPELINE_ORDER. */
export function buildPipeline(parts: PipelineParts): Pipeline {
  const stages: AnyStage[] = PIPELINE_ORDER.map((name) => {
    const part = parts[name];
    // Inhibit, silences and time intervals are muters; each becomes a stage of the flush.
    if (name === 'inhibit' || name === 'silence' || name === 'time_intervals')
      return new MuterStage(name, part as Muter);
    return part as AnyStage;
  });
  const cut = PIPELINE_ORDER.indexOf(HOLDING_STAGE) + 1;
  const onFlush = stages.slice(cut);
  return {
    onInput: stages.slice(0, cut),
    onFlush,
    muters: onFlush.filter((s): s is MuterStage => s instanceof MuterStage).map((s) => s.muter),
  };
}

/** Where a run of stages ended: the last stage's output, or why a stage stopped it. */
export type StagesOutcome<Out> = { next: Out; stop?: undefined } | { next?: undefined; stop: unknown };

/**
 * Runs stages in order: each one's changes are handed to `apply` before the next stage runs (so it
 * sees them); a stage that returns no `next` stops the run.
 */
export function runStages<Out>(
  stages: readonly AnyStage[],
  input: unknown,
  now: number,
  apply: (changes: readonly Change[]) => void,
): StagesOutcome<Out> {
  let value = input;
  for (const stage of stages) {
    const r = stage.run(value, now);
    if (r.changes.length > 0) apply(r.changes);
    if (r.next === undefined) return { stop: r.stop };
    value = r.next;
  }
  return { next: value as Out };
}
