import type * as automation from '@fieldops/contracts/automation/v1';
import { SPAN_STATUS, type Span } from '@fieldops/core';
import { context as otelContext, trace } from '@opentelemetry/api';
import { runAttempt } from './attempt.js';
import { describeAction } from './dry-run.js';
import { AutomationError, errorCode, errorMessage, RunCancelledError } from './errors.js';
import { buildBackoffMs, maxAttempts } from './retry.js';
import type { RunContext } from './run-context.js';
import type { ActionHandler, StepOutcome, StepOutputs } from './types.js';

const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/** What an attempt's end means for the step: done (succeeded, failed for good, cancelled) or try again. */
type AttemptEnd = 'done' | 'retry';

/** One step of the run: cancelled, planned (dry run), skipped, or run with its retry policy. */
export async function runStep(run: RunContext, action: automation.Action, index: number): Promise<void> {
  if (!run.cancelled && run.options.signal?.aborted) run.cancelled = true;
  if (run.cancelled) return cancelBeforeStart(run, action.id);
  if (run.options.dryRun) return planStep(run, action, index);
  const isTicket = action.kind === 'open_ticket_on_failure';
  if ((isTicket && !run.failedStep) || (!isTicket && run.failedStep)) {
    return skipStep(
      run,
      action.id,
      isTicket ? 'no earlier step failed' : `skipped: step ${run.failedStep?.step_id} failed`,
    );
  }
  await runAttempts(run, action);
}

function cancelBeforeStart(run: RunContext, stepId: string): void {
  const at = run.state.stamp();
  run.state.setStep(stepId, { status: 'cancelled', message: 'run cancelled before the step started' });
  run.state.timeline({ at, status: 'cancelled', step_id: stepId, message: 'run cancelled' });
}

/** A dry run: the step is described in the plan and marked skipped; no handler is called. */
function planStep(run: RunContext, action: automation.Action, index: number): void {
  const { spec, state } = run;
  const lines = describeAction(action, spec, run.handlers);
  run.plan.push(
    `[${index + 1}/${spec.actions.length}] ${action.id} (${action.kind})`,
    ...lines.map((l) => `    ${l}`),
  );
  const message = `dry run: ${lines[0] ?? 'would run'}`;
  state.setStep(action.id, { status: 'skipped', message: run.redact(message).slice(0, 4000) });
  state.timeline({ status: 'skipped', step_id: action.id, message: 'dry run' });
  run.checkpoint();
}

function skipStep(run: RunContext, stepId: string, message: string): void {
  run.state.setStep(stepId, { status: 'skipped', message });
  run.state.timeline({ status: 'skipped', step_id: stepId, message });
  run.runLog('info', `step ${stepId} ${message}`, undefined, stepId);
  run.checkpoint();
}

/** The attempts of one step, until one succeeds, the error is final, the attempts run out or the run is cancelled. */
async function runAttempts(run: RunContext, action: automation.Action): Promise<void> {
  const attempts = maxAttempts(action.retry);
  let firstStart: string | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const at = run.state.stamp();
    firstStart ??= at;
    const end = await runOneAttempt(run, action, { attempt, attempts, at, firstStart });
    if (end === 'done') return;
  }
}

async function runOneAttempt(
  run: RunContext,
  action: automation.Action,
  a: { attempt: number; attempts: number; at: string; firstStart: string },
): Promise<AttemptEnd> {
  const { state } = run;
  const stepId = action.id;
  const startMs = Date.parse(a.firstStart);
  state.setStep(stepId, { status: 'running', attempts: a.attempt, started_at: a.firstStart });
  state.timeline({ at: a.at, status: 'running', step_id: stepId, attempt: a.attempt });
  run.runLog(
    'info',
    `step ${stepId} (${action.kind}) attempt ${a.attempt}/${a.attempts} started`,
    undefined,
    stepId,
  );
  run.checkpoint();
  let span: Span | undefined;
  try {
    const handler = run.handlers[action.kind] as ActionHandler | undefined;
    if (!handler) {
      throw new AutomationError('no_handler', `no handler for action kind ${action.kind} (step ${stepId})`, {
        retryable: false,
      });
    }
    span = startStepSpan(run, action, a.attempt);
    const outcome = await attemptWith(run, handler, action, a.attempt);
    span?.end();
    recordSuccess(run, action, a.attempt, startMs, outcome);
    return 'done';
  } catch (error) {
    span?.setStatus({ code: SPAN_STATUS.ERROR, message: errorCode(error) });
    span?.end();
    return recordFailure(run, action, { ...a, startMs }, error);
  }
}

/** A child span of the run's span for one attempt (none without a tracer). */
function startStepSpan(run: RunContext, action: automation.Action, attempt: number): Span | undefined {
  // The parent is passed as an OpenTelemetry Context, the one thing core's Tracer leaves to the API.
  const parent = run.runSpan ? trace.setSpan(otelContext.active(), run.runSpan as never) : undefined;
  return run.options.tracer?.startSpan(
    `fieldops.automation step ${action.id}`,
    {
      attributes: {
        'fieldops.step_id': action.id,
        'fieldops.action_kind': action.kind,
        'fieldops.attempt': attempt,
      },
    },
    parent,
  );
}

/** Runs the handler once, against the step's timeout and the run's signal. */
function attemptWith(
  run: RunContext,
  handler: ActionHandler,
  action: automation.Action,
  attempt: number,
): Promise<StepOutcome | undefined> {
  const stepId = action.id;
  const log = run.stepLog(stepId);
  return runAttempt(handler, action, {
    spec: run.spec,
    state: run.state,
    stepId,
    attempt,
    timeoutMs:
      action.timeout_s !== undefined
        ? action.timeout_s * 1000
        : (run.options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS),
    runSignal: run.options.signal,
    log,
    secrets: run.secrets,
    outputs: run.outputs,
    registry: run.options.registry,
    bundle: run.bundle,
    recorder: run.recorder,
    onFile: (rel, path, title) => {
      if (!run.recorder || run.linked.has(path)) return;
      run.linked.add(path);
      run.state.link({
        rel,
        href: run.bundleHref(`${run.recorder.relativeDir}/${path}`),
        title: title.slice(0, 300),
        step_id: stepId,
      });
    },
    clock: run.clock,
    redact: run.redact,
    sleep: run.sleep,
  }).finally(() => log.close());
}

function recordSuccess(
  run: RunContext,
  action: automation.Action,
  attempt: number,
  startMs: number,
  outcome: StepOutcome | undefined,
): void {
  const { state } = run;
  const stepId = action.id;
  const done = state.stamp();
  const cleanOutputs = outcome?.outputs
    ? (run.redactor.redactValue(toJsonObject(outcome.outputs)) as StepOutputs)
    : undefined;
  const message = outcome?.message ? run.redact(outcome.message).slice(0, 4000) : undefined;
  state.setStep(stepId, {
    status: 'succeeded',
    finished_at: done,
    duration_ms: Math.max(0, Date.parse(done) - startMs),
    ...(message !== undefined ? { message } : {}),
    ...(cleanOutputs !== undefined ? { outputs: cleanOutputs } : {}),
  });
  if (cleanOutputs) run.outputs.set(stepId, cleanOutputs);
  if (outcome?.ticket) {
    state.setRun({ ticket_id: outcome.ticket.ticket_id });
    state.link({
      rel: 'ticket',
      href: outcome.ticket.url ?? outcome.ticket.ticket_id,
      title: `Ticket ${outcome.ticket.ticket_id}`,
      step_id: stepId,
    });
  }
  state.timeline({
    at: done,
    status: 'succeeded',
    step_id: stepId,
    attempt,
    ...(message ? { message } : {}),
  });
  run.runLog('info', `step ${stepId} succeeded`, { attempt }, stepId);
  run.checkpoint();
}

/** A failed attempt: the step is cancelled, retried after its backoff, or failed for good. */
async function recordFailure(
  run: RunContext,
  action: automation.Action,
  a: { attempt: number; attempts: number; startMs: number },
  error: unknown,
): Promise<AttemptEnd> {
  const { state, options } = run;
  const stepId = action.id;
  const done = state.stamp();
  const isCancel = error instanceof RunCancelledError || options.signal?.aborted === true;
  const full = run.redact(errorMessage(error)).slice(0, 4000);
  // The timeline and step message read without the package prefix; error.message keeps it.
  const message = full.replace(/^@fieldops\/[a-z/-]+: /, '');
  const code = errorCode(error);
  const duration_ms = Math.max(0, Date.parse(done) - a.startMs);
  if (isCancel) {
    run.cancelled = true;
    state.setStep(stepId, { status: 'cancelled', finished_at: done, duration_ms, message });
    state.timeline({ at: done, status: 'cancelled', step_id: stepId, attempt: a.attempt, message });
    run.runLog('warn', `step ${stepId} cancelled`, undefined, stepId);
    run.checkpoint();
    return 'done';
  }
  state.timeline({ at: done, status: 'failed', step_id: stepId, attempt: a.attempt, message });
  const retryable = (error as { retryable?: unknown }).retryable !== false;
  if (a.attempt < a.attempts && retryable) return waitToRetry(run, action, a.attempt, code);
  const step = state.setStep(stepId, {
    status: 'failed',
    finished_at: done,
    duration_ms,
    message,
    error: { code, message: full },
  });
  run.runLog('error', `step ${stepId} failed: ${message}`, { error_code: code, attempt: a.attempt }, stepId);
  if (!action.continue_on_error && action.kind !== 'open_ticket_on_failure') run.failedStep ??= step;
  run.checkpoint();
  return 'done';
}

/** Sleeps the step's backoff before the next attempt; a cancellation during the wait ends the step. */
async function waitToRetry(
  run: RunContext,
  action: automation.Action,
  attempt: number,
  code: string,
): Promise<AttemptEnd> {
  const stepId = action.id;
  const wait = buildBackoffMs(action.retry, attempt);
  run.runLog(
    'warn',
    `step ${stepId} attempt ${attempt} failed (${code}); retrying in ${wait} ms`,
    { error_code: code },
    stepId,
  );
  run.checkpoint();
  try {
    await run.sleep(wait, run.options.signal);
    return 'retry';
  } catch {
    run.cancelled = true;
    run.state.setStep(stepId, {
      status: 'cancelled',
      finished_at: run.state.stamp(),
      message: 'run cancelled while waiting to retry',
    });
    run.state.timeline({ status: 'cancelled', step_id: stepId, attempt, message: 'run cancelled' });
    run.checkpoint();
    return 'done';
  }
}

// Outputs become JSON the way JSON.stringify sees them (Dates as strings, undefined dropped), so a
// handler returning a class instance cannot make the run record invalid. Non-objects are wrapped.
function toJsonObject(value: unknown): StepOutputs {
  const json: unknown = JSON.parse(JSON.stringify(value ?? null));
  return json !== null && typeof json === 'object' && !Array.isArray(json)
    ? (json as StepOutputs)
    : ({ value: json } as StepOutputs);
}
