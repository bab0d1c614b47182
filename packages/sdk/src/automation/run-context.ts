import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { newId } from '@fieldops/contracts';
import type * as automation from '@fieldops/contracts/automation/v1';
import type { Clock, Span, Tracer } from '@fieldops/core';
import { createRedactor, createSecretResolver, type Redactor } from '@fieldops/core/secrets';
import { clockOfDates } from '../internal/clock.js';
import { buildRunEvent, type EventfulStatus, emitSafely } from './events.js';
import { createDefaultHandlers } from './handlers/defaults.js';
import { createRunRecorder, type RunRecorder } from './kb/run-recorder.js';
import { type Logger, NOOP_LOGGER } from './logger.js';
import { defaultSleep, type Sleep } from './retry.js';
import { createRunLogs } from './run-logs.js';
import type { RunSpecOptions } from './run-options.js';
import { RunState } from './run-state.js';
import type { ActionHandlers, HandlerContext, SecretSource, StepOutputs } from './types.js';
import { RunWriteBack } from './write-back.js';

const RUNNER_VERSION = '0.1.0';

/** Everything one run shares between its steps: what runSpec was given, resolved, and what it has done so far. */
export interface RunContext {
  readonly spec: automation.ExecutionSpec;
  readonly options: RunSpecOptions;
  readonly runId: string;
  /** The run's clock: `options.clock`, else the deprecated `options.now`, else the system clock. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly redact: (text: string) => string;
  readonly secrets: SecretSource;
  readonly handlers: ActionHandlers;
  readonly sleep: Sleep;
  readonly state: RunState;
  readonly recorder: RunRecorder | undefined;
  readonly bundle: HandlerContext['bundle'];
  /** A path inside the bundle as a link (absolute under `kb.baseUrl`, else relative). */
  readonly bundleHref: (rel: string) => string;
  readonly runSpan: Span | undefined;
  readonly traceparent: string | undefined;
  readonly runLog: ReturnType<typeof createRunLogs>['runLog'];
  readonly stepLog: ReturnType<typeof createRunLogs>['stepLog'];
  readonly writeBack: RunWriteBack;
  /** Writes the changes back to the registry, and run.json when `kb.checkpointMs` has passed. */
  readonly checkpoint: () => void;
  /** Emits a run event (none in a dry run). */
  readonly emit: (status: EventfulStatus, extra?: { failedStep?: string; message?: string }) => Promise<void>;
  /** The dry-run plan lines. */
  readonly plan: string[];
  /** Bundle files already linked from the record. */
  readonly linked: Set<string>;
  /** The outputs of the steps that succeeded, by step id. */
  readonly outputs: Map<string, StepOutputs>;
  /** The first step that failed (and stops the steps after it). */
  failedStep: automation.StepResult | undefined;
  cancelled: boolean;
  startedAt: string;
}

/** Resolves the options, opens the bundle and the run span, and records the run as queued. */
export function createRunContext(spec: automation.ExecutionSpec, options: RunSpecOptions): RunContext {
  const clock = clockOfDates(options);
  const logger = options.logger ?? NOOP_LOGGER;
  const redactor = options.redactor ?? options.secrets?.redactor ?? createRedactor();
  const runId = options.runId ?? (options.ids ?? newId)('run');
  const queuedAt = new Date(clock.now()).toISOString();
  const state = new RunState(buildQueuedRecord(spec, options, runId, queuedAt), clock);
  const { span: runSpan, traceparent } = startRunSpan(options.tracer, spec, runId, options.dryRun === true);
  if (traceparent && runSpan) state.record.trace_id = runSpan.spanContext().traceId;
  state.timeline({ at: queuedAt, status: 'queued' });
  for (const a of spec.actions) state.timeline({ at: queuedAt, status: 'queued', step_id: a.id });

  // Recorder first: a bad project name or KB root fails before anything happens.
  const recorder = openRecorder(spec, options, { runId, queuedAt, redactor, clock });
  const bundleHref = (rel: string) =>
    options.kb?.baseUrl ? `${options.kb.baseUrl.replace(/\/+$/, '')}/${rel}` : rel;
  const bundle = linkBundle(state, recorder, options, bundleHref);
  const { runLog, stepLog } = createRunLogs({ logger, redactor, recorder, runId });
  const writeBack = new RunWriteBack(options.registry, logger, (m) =>
    recorder?.log({ level: 'warn', msg: m, stream: 'runner' }),
  );
  const run: RunContext = {
    spec,
    options,
    runId,
    clock,
    logger,
    redactor,
    redact: (text) => redactor.redactString(text),
    secrets: options.secrets ?? createSecretResolver({ redactor }),
    handlers: { ...createDefaultHandlers(), ...options.handlers },
    sleep: options.sleep ?? defaultSleep,
    state,
    recorder,
    bundle,
    bundleHref,
    runSpan,
    traceparent,
    runLog,
    stepLog,
    writeBack,
    checkpoint: createCheckpoint(state, writeBack, recorder, runId, spec, options.kb?.checkpointMs ?? 1000),
    emit: async () => {},
    plan: [],
    linked: new Set(),
    outputs: new Map(),
    failedStep: undefined,
    cancelled: false,
    startedAt: queuedAt,
  };
  return Object.assign(run, { emit: createEmitter(run) });
}

/** The run record as it stands before anything ran: every step queued. */
function buildQueuedRecord(
  spec: automation.ExecutionSpec,
  options: RunSpecOptions,
  runId: string,
  queuedAt: string,
): automation.RunRecord {
  return {
    automation_run_id: runId as automation.RunRecord['automation_run_id'],
    spec_version: 1,
    deployment_id: spec.deployment_id,
    site_id: spec.site_id,
    project: spec.project,
    product_code: spec.product_code,
    product_version: spec.product_version,
    status: 'queued',
    ...(options.dryRun ? { dry_run: true } : {}),
    queued_at: queuedAt,
    timeline: [],
    steps: spec.actions.map((a) => ({
      step_id: a.id,
      kind: a.kind,
      ...(a.name !== undefined ? { name: a.name } : {}),
      status: 'queued' as const,
      attempts: 0,
    })),
    links: [],
    runner: options.runner ?? { name: '@fieldops/sdk', version: RUNNER_VERSION, host: hostname() },
  };
}

/** The run's span and its W3C traceparent (none without a tracer, or when the tracer does not sample). */
function startRunSpan(
  tracer: Tracer | undefined,
  spec: automation.ExecutionSpec,
  runId: string,
  dryRun: boolean,
): { span: Span | undefined; traceparent: string | undefined } {
  const span = tracer?.startSpan('fieldops.automation run', {
    attributes: {
      'fieldops.automation_run_id': runId,
      'fieldops.deployment_id': spec.deployment_id,
      'fieldops.project': spec.project,
      'fieldops.dry_run': dryRun,
    },
  });
  const ids = span?.spanContext();
  const traceparent = ids && !/^0+$/.test(ids.traceId) ? `00-${ids.traceId}-${ids.spanId}-01` : undefined;
  return { span, traceparent };
}

/** The bundle recorder when a KB is configured. */
function openRecorder(
  spec: automation.ExecutionSpec,
  options: RunSpecOptions,
  run: { runId: string; queuedAt: string; redactor: Redactor; clock: Clock },
): RunRecorder | undefined {
  if (!options.kb) return undefined;
  return createRunRecorder({
    kbRoot: options.kb.root,
    project: spec.project,
    date: run.queuedAt.slice(0, 10),
    runId: run.runId,
    redactor: run.redactor,
    clock: run.clock,
    ...(options.kb.fsync !== undefined ? { fsync: options.kb.fsync } : {}),
    ...(options.kb.postmortemTemplate !== undefined
      ? { postmortemTemplate: options.kb.postmortemTemplate }
      : {}),
  });
}

/** Links the bundle, its logs and its KB page from the record; returns what handlers see of the bundle. */
function linkBundle(
  state: RunState,
  recorder: RunRecorder | undefined,
  options: RunSpecOptions,
  bundleHref: (rel: string) => string,
): HandlerContext['bundle'] {
  if (!recorder) return undefined;
  const pageUrl = options.kb?.pagesUrl ? kbPageUrl(options.kb.pagesUrl, recorder.relativeDir) : undefined;
  state.link({ rel: 'bundle', href: bundleHref(`${recorder.relativeDir}/`), title: 'Run bundle' });
  state.link({ rel: 'logs', href: bundleHref(`${recorder.relativeDir}/logs/`), title: 'Run logs' });
  if (pageUrl) state.link({ rel: 'kb_page', href: pageUrl, title: 'Run page' });
  return {
    relativeDir: recorder.relativeDir,
    url: options.kb?.baseUrl ? bundleHref(`${recorder.relativeDir}/`) : undefined,
    pageUrl,
  };
}

/** Write-back of every change; run.json rewritten at most every `checkpointMs`. */
function createCheckpoint(
  state: RunState,
  writeBack: RunWriteBack,
  recorder: RunRecorder | undefined,
  runId: string,
  spec: automation.ExecutionSpec,
  checkpointMs: number,
): () => void {
  let lastCheckpoint = Number.NEGATIVE_INFINITY;
  return () => {
    writeBack.update(runId, state.takeUpdate());
    if (recorder && performance.now() - lastCheckpoint >= checkpointMs) {
      recorder.writeRun(state.record, spec.description);
      lastCheckpoint = performance.now();
    }
  };
}

/** Emits the run events (none in a dry run); a failing sink is logged, never fatal. */
function createEmitter(run: RunContext): RunContext['emit'] {
  const { options, state, logger } = run;
  return async (status, extra = {}) => {
    if (options.dryRun) return;
    const event = buildRunEvent(state.record, status, {
      source: options.eventSource ?? '/automation/runner',
      time: state.stamp(),
      ...extra,
      ...(run.bundle?.url ? { bundleUrl: run.bundle.url } : {}),
      ...(run.traceparent ? { traceparent: run.traceparent } : {}),
    });
    await emitSafely(options.events, event, logger);
  };
}

/**
 * The run page of a bundle at `projects/<project>/runs/<date>/<run id>` (relative to the KB root), as
 * @fieldops/docusaurus-plugin-runs routes it under `pagesUrl`: `<pagesUrl>/<project>/<date>/<run id>/`.
 */
export function kbPageUrl(pagesUrl: string, relativeDir: string): string {
  const [, project, , date, runId] = relativeDir.split('/');
  return `${pagesUrl.replace(/\/+$/, '')}/${project}/${date}/${runId}/`;
}
