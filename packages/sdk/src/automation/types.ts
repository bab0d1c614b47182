import type * as automation from '@fieldops/contracts/automation/v1';
import type * as registry from '@fieldops/contracts/registry/v1';
import type { Secret } from '@fieldops/core/secrets';
import type { ArtifactInput, SnapshotInput } from './kb/run-recorder.js';
import type { Sleep } from './retry.js';

/** A JSON object a step may return as its outputs. */
export type StepOutputs = automation.StepResult['outputs'] & {};

/** The part of the RegistryClient the runner uses: write-back and tickets. Any object with these works. */
export interface AutomationRegistry {
  createAutomationRun(
    run: automation.RunRecord,
    options?: { idempotencyKey?: string },
  ): Promise<automation.RunRecord>;
  updateAutomationRun(
    runId: string,
    update: automation.RunUpdate,
    options?: { idempotencyKey?: string },
  ): Promise<automation.RunRecord>;
  createTicket(
    ticket: registry.TicketCreate,
    options?: { idempotencyKey?: string },
  ): Promise<registry.Ticket>;
}

/** Resolves SecretRefs (a `SecretResolver` or anything shaped like one). */
export interface SecretSource {
  resolve(ref: string, options?: { signal?: AbortSignal }): Promise<Secret>;
}

/** Structured lines from a handler into the run bundle's step log (and the caller's logger). */
export interface StepLog {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Output of a command, one entry per line, tagged with its stream. */
  output(stream: 'stdout' | 'stderr', text: string): void;
}

/** What a handler is given for one attempt of one step. */
export interface HandlerContext {
  readonly spec: automation.ExecutionSpec;
  /** The run record as it stands (read-only view). */
  readonly run: Readonly<automation.RunRecord>;
  readonly stepId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Fires on cancellation of the run and on the step's timeout. */
  readonly signal: AbortSignal;
  readonly log: StepLog;
  readonly secrets: SecretSource;
  /** Outputs of the steps that succeeded so far, by step id (e.g. the VM's IP). */
  readonly outputs: ReadonlyMap<string, StepOutputs>;
  /** The registry client, when the run has one. */
  readonly registry: AutomationRegistry | undefined;
  /** Where the run bundle is (relative to the KB root), when a KB is configured. */
  readonly bundle: { relativeDir: string; url: string | undefined; pageUrl?: string | undefined } | undefined;
  /** Writes a redacted configuration snapshot into the run bundle (no-op without a KB). */
  snapshot(input: Omit<SnapshotInput, 'step_id'>): void;
  /** Writes an artifact into the run bundle (no-op without a KB). */
  artifact(input: Omit<ArtifactInput, 'step_id'>): void;
  now(): Date;
  /**
   * `text` with every secret resolved so far (and its encoded forms) replaced. Redact before cutting
   * text to length: a secret cut in half is no longer recognised.
   */
  redact(text: string): string;
  /** The run's sleep (injected in tests): handlers that poll should wait through it. */
  sleep: Sleep;
}

/** What a handler may return. */
export interface StepOutcome {
  /** Non-secret outputs for later steps and the run record. */
  outputs?: StepOutputs;
  /** A one-line summary for the timeline. */
  message?: string;
  /** A ticket the step opened (open_ticket_on_failure): recorded on the run. */
  ticket?: { ticket_id: string; url?: string | undefined };
}

/** Runs one action kind. A script replaces a handler by passing its own in `runSpec`'s `handlers`. */
export interface ActionHandler<K extends automation.ActionKind = automation.ActionKind> {
  run(action: automation.ActionOf<K>, ctx: HandlerContext): Promise<StepOutcome | undefined>;
  /** Lines saying what `run` would do, for dry runs. */
  describe?(action: automation.ActionOf<K>, spec: automation.ExecutionSpec): string[];
}

/** One handler per action kind (any may be left out to use the default). */
export type ActionHandlers = { [K in automation.ActionKind]?: ActionHandler<K> };

/** Receives the run's CloudEvents (`io.fieldops.automation.run.*.v1`). */
export interface EventSink {
  emit(event: import('@fieldops/contracts').FieldopsEvent): void | Promise<void>;
}
