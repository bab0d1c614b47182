// The one interface every pipeline stage implements (Alertmanager's notify.Stage): a stage reads its
// input and the state it was given read-only, and returns what it decided — the changes, and the input
// of the next stage. It never writes the store or the engine's state: the engine applies the changes
// (src/engine/apply.ts), in order, before the next stage runs. The order of the stages is written once,
// in src/engine/pipeline.ts.

/** The stages, by name, in the order of the pipeline (src/engine/pipeline.ts writes that order). */
export type StageName =
  | 'ingest'
  | 'route'
  | 'group'
  | 'inhibit'
  | 'silence'
  | 'time_intervals'
  | 'dedup'
  | 'escalate'
  | 'deliver';

/** The parts of the engine's state a change can touch (each is also a store collection). */
export type StateCollection = 'alerts' | 'groups' | 'nflog' | 'incidents' | 'deliveries' | 'events';

/** One change a stage decided; the engine applies it to its working state and the store. */
export type Change =
  /** A document is written (and becomes the working copy). */
  | { readonly op: 'put'; readonly collection: StateCollection; readonly key: string; readonly doc: object }
  /** An alert joins a group (membership is working state only: routing re-derives it on start). */
  | { readonly op: 'join'; readonly group: string; readonly fingerprint: string }
  /**
   * An event key is remembered (ingest dedup) without a document of its own: the alert document put
   * with it carries it (its `source` + `event_id`), so it survives a restart in that document.
   */
  | { readonly op: 'carry'; readonly key: string; readonly expires_at: number }
  /** A timer (`g:` group flush, `e:` escalation, `d:` delivery) is set; a due delivery starts at once. */
  | { readonly op: 'schedule'; readonly timer: string; readonly at: number };

/** What a stage returns. */
export interface StageResult<Out> {
  /** The changes, applied in order before the next stage runs. */
  readonly changes: readonly Change[];
  /** The next stage's input; absent when the pipeline stops here (then `stop` says why). */
  readonly next?: Out;
  /** Why the pipeline stopped (what the caller is answered), when `next` is absent. */
  readonly stop?: unknown;
}

/** One pipeline stage: a pure decision from its input, the state it reads and the time. */
export interface Stage<In, Out> {
  readonly name: StageName;
  run(input: In, now: number): StageResult<Out>;
}

/** No changes (shared: a stage that decided nothing allocates nothing). */
export const NO_CHANGES: readonly Change[] = Object.freeze([]);
