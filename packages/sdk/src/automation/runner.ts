import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { newId, safeParseContract } from '@fieldops/contracts';
import * as automation from '@fieldops/contracts/automation/v1';
import { context as otelContext, type Span, trace } from '@opentelemetry/api';
import { createRedactor } from '../secrets/redactor.js';
import { createSecretResolver } from '../secrets/resolver.js';
import { runAttempt } from './attempt.js';
import { describeAction } from './dry-run.js';
import { AutomationError, errorCode, errorMessage, RunCancelledError } from './errors.js';
import { buildRunEvent, type EventfulStatus, emitSafely } from './events.js';
import { createDefaultHandlers } from './handlers/defaults.js';
import { createRunRecorder, type RunRecorder } from './kb/run-recorder.js';
import { NOOP_LOGGER } from './logger.js';
import { buildBackoffMs, defaultSleep, maxAttempts } from './retry.js';
import { createRunLogs } from './run-logs.js';
import type { RunResult, RunSpecOptions } from './run-options.js';
import { RunState } from './run-state.js';
import type { ActionHandler, ActionHandlers, SecretSource, StepOutputs } from './types.js';
import { RunWriteBack } from './write-back.js';

const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;
const RUNNER_VERSION = '0.1.0';

function validate(spec: unknown): automation.ExecutionSpec {
  const result = safeParseContract(automation.ExecutionSpec, spec);
  if (!result.success) {
    throw new AutomationError('spec_invalid', `invalid execution spec: ${result.error.message}`, {
      retryable: false,
      cause: result.error,
    });
  }
  return result.data;
}

/**
 * Runs an execution spec: validates it (v1), runs its actions in order (timeout, retry policy,
 * `continue_on_error`), keeps the status timeline, writes it back to the registry as it changes,
 * records the run bundle, emits the run events and runs `open_ticket_on_failure` steps when a step
 * failed. Returns when the run has finished; throws only for an invalid spec or an unusable KB path.
 */
export async function runSpec(input: unknown, options: RunSpecOptions = {}): Promise<RunResult> {
  const spec = validate(input);
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? NOOP_LOGGER;
  const redactor = options.redactor ?? options.secrets?.redactor ?? createRedactor();
  const secrets: SecretSource = options.secrets ?? createSecretResolver({ redactor });
  const handlers: ActionHandlers = { ...createDefaultHandlers(), ...options.handlers };
  const sleep = options.sleep ?? defaultSleep;
  const runId = options.runId ?? (options.ids ?? newId)('run');
  const redact = (text: string) => redactor.redactString(text);

  const queuedAt = now().toISOString();
  const state = new RunState(
    {
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
    },
    now,
  );
  const runSpan = options.tracer?.startSpan('fieldops.automation run', {
    attributes: {
      'fieldops.automation_run_id': runId,
      'fieldops.deployment_id': spec.deployment_id,
      'fieldops.project': spec.project,
      'fieldops.dry_run': options.dryRun === true,
    },
  });
  const runTrace = runSpan?.spanContext();
  const traceparent =
    runTrace && !/^0+$/.test(runTrace.traceId) ? `00-${runTrace.traceId}-${runTrace.spanId}-01` : undefined;
  if (traceparent && runTrace) state.record.trace_id = runTrace.traceId;
  state.timeline({ at: queuedAt, status: 'queued' });
  for (const a of spec.actions) state.timeline({ at: queuedAt, status: 'queued', step_id: a.id });

  // Recorder first: a bad project name or KB root fails before anything happens.
  const recorder: RunRecorder | undefined = options.kb
    ? createRunRecorder({
        kbRoot: options.kb.root,
        project: spec.project,
        date: queuedAt.slice(0, 10),
        runId,
        redactor,
        now,
        ...(options.kb.fsync !== undefined ? { fsync: options.kb.fsync } : {}),
        ...(options.kb.postmortemTemplate !== undefined
          ? { postmortemTemplate: options.kb.postmortemTemplate }
          : {}),
      })
    : undefined;
  const bundleHref = (rel: string) =>
    options.kb?.baseUrl ? `${options.kb.baseUrl.replace(/\/+$/, '')}/${rel}` : rel;
  const pageUrl =
    recorder && options.kb?.pagesUrl ? kbPageUrl(options.kb.pagesUrl, recorder.relativeDir) : undefined;
  const bundle = recorder
    ? {
        relativeDir: recorder.relativeDir,
        url: options.kb?.baseUrl ? bundleHref(`${recorder.relativeDir}/`) : undefined,
        pageUrl,
      }
    : undefined;
  if (recorder) {
    state.link({ rel: 'bundle', href: bundleHref(`${recorder.relativeDir}/`), title: 'Run bundle' });
    state.link({ rel: 'logs', href: bundleHref(`${recorder.relativeDir}/logs/`), title: 'Run logs' });
    if (pageUrl) state.link({ rel: 'kb_page', href: pageUrl, title: 'Run page' });
  }

  const { runLog, stepLog } = createRunLogs({ logger, redactor, recorder, runId });
  const writeBack = new RunWriteBack(options.registry, logger, (m) =>
    recorder?.log({ level: 'warn', msg: m, stream: 'runner' }),
  );
  const checkpointMs = options.kb?.checkpointMs ?? 1000;
  let lastCheckpoint = Number.NEGATIVE_INFINITY;
  const checkpoint = () => {
    writeBack.update(runId, state.takeUpdate());
    if (recorder && performance.now() - lastCheckpoint >= checkpointMs) {
      recorder.writeRun(state.record, spec.description);
      lastCheckpoint = performance.now();
    }
  };

  writeBack.create(structuredClone(state.record));
  state.takeUpdate();
  recorder?.writeRun(state.record, spec.description);
  runLog('info', `run ${runId} queued: ${spec.actions.length} step(s) for deployment ${spec.deployment_id}`, {
    project: spec.project,
    dry_run: options.dryRun === true,
  });

  const emit = async (status: EventfulStatus, extra: { failedStep?: string; message?: string } = {}) => {
    if (options.dryRun) return;
    const event = buildRunEvent(state.record, status, {
      source: options.eventSource ?? '/automation/runner',
      time: state.stamp(),
      ...extra,
      ...(bundle?.url ? { bundleUrl: bundle.url } : {}),
      ...(traceparent ? { traceparent } : {}),
    });
    await emitSafely(options.events, event, logger);
  };

  // ---- run ----
  const startedAt = state.stamp();
  state.setRun({ status: 'running', started_at: startedAt });
  state.timeline({ at: startedAt, status: 'running' });
  checkpoint();
  await emit('running');

  const plan: string[] = [];
  const linked = new Set<string>();
  const outputs = new Map<string, StepOutputs>();
  let failedStep: automation.StepResult | undefined;
  let cancelled = false;

  for (const [index, action] of spec.actions.entries()) {
    const stepId = action.id;
    if (!cancelled && options.signal?.aborted) cancelled = true;
    if (cancelled) {
      const at = state.stamp();
      state.setStep(stepId, { status: 'cancelled', message: 'run cancelled before the step started' });
      state.timeline({ at, status: 'cancelled', step_id: stepId, message: 'run cancelled' });
      continue;
    }
    const isTicket = action.kind === 'open_ticket_on_failure';
    if (options.dryRun) {
      const lines = describeAction(action, spec, handlers);
      plan.push(
        `[${index + 1}/${spec.actions.length}] ${stepId} (${action.kind})`,
        ...lines.map((l) => `    ${l}`),
      );
      const message = `dry run: ${lines[0] ?? 'would run'}`;
      state.setStep(stepId, { status: 'skipped', message: redact(message).slice(0, 4000) });
      state.timeline({ status: 'skipped', step_id: stepId, message: 'dry run' });
      checkpoint();
      continue;
    }
    if ((isTicket && !failedStep) || (!isTicket && failedStep)) {
      const message = isTicket ? 'no earlier step failed' : `skipped: step ${failedStep?.step_id} failed`;
      state.setStep(stepId, { status: 'skipped', message });
      state.timeline({ status: 'skipped', step_id: stepId, message });
      runLog('info', `step ${stepId} ${message}`, undefined, stepId);
      checkpoint();
      continue;
    }

    const handler = handlers[action.kind] as ActionHandler | undefined;
    const attempts = maxAttempts(action.retry);
    const timeoutMs =
      action.timeout_s !== undefined
        ? action.timeout_s * 1000
        : (options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS);
    let firstStart: string | undefined;
    let startMs = 0;
    let stepSpan: Span | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const at = state.stamp();
      if (firstStart === undefined) {
        firstStart = at;
        startMs = Date.parse(at);
      }
      state.setStep(stepId, { status: 'running', attempts: attempt, started_at: firstStart });
      state.timeline({ at, status: 'running', step_id: stepId, attempt });
      runLog(
        'info',
        `step ${stepId} (${action.kind}) attempt ${attempt}/${attempts} started`,
        undefined,
        stepId,
      );
      checkpoint();
      try {
        if (!handler) {
          throw new AutomationError(
            'no_handler',
            `no handler for action kind ${action.kind} (step ${stepId})`,
            { retryable: false },
          );
        }
        stepSpan = options.tracer?.startSpan(
          `fieldops.automation step ${stepId}`,
          {
            attributes: {
              'fieldops.step_id': stepId,
              'fieldops.action_kind': action.kind,
              'fieldops.attempt': attempt,
            },
          },
          runSpan ? trace.setSpan(otelContext.active(), runSpan) : undefined,
        );
        const log = stepLog(stepId);
        const outcome = await runAttempt(handler, action, {
          spec,
          state,
          stepId,
          attempt,
          timeoutMs,
          runSignal: options.signal,
          log,
          secrets,
          outputs,
          registry: options.registry,
          bundle,
          recorder,
          onFile: (rel, path, title) => {
            if (!recorder || linked.has(path)) return;
            linked.add(path);
            state.link({
              rel,
              href: bundleHref(`${recorder.relativeDir}/${path}`),
              title: title.slice(0, 300),
              step_id: stepId,
            });
          },
          now,
          redact,
          sleep,
        }).finally(() => log.close());
        const done = state.stamp();
        const cleanOutputs = outcome?.outputs
          ? (redactor.redactValue(toJsonObject(outcome.outputs)) as StepOutputs)
          : undefined;
        const message = outcome?.message ? redact(outcome.message).slice(0, 4000) : undefined;
        state.setStep(stepId, {
          status: 'succeeded',
          finished_at: done,
          duration_ms: Math.max(0, Date.parse(done) - startMs),
          ...(message !== undefined ? { message } : {}),
          ...(cleanOutputs !== undefined ? { outputs: cleanOutputs } : {}),
        });
        stepSpan?.end();
        if (cleanOutputs) outputs.set(stepId, cleanOutputs);
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
        runLog('info', `step ${stepId} succeeded`, { attempt }, stepId);
        checkpoint();
        break;
      } catch (error) {
        const done = state.stamp();
        const isCancel = error instanceof RunCancelledError || options.signal?.aborted === true;
        const full = redact(errorMessage(error)).slice(0, 4000);
        // The timeline and step message read without the package prefix; error.message keeps it.
        const message = full.replace(/^@fieldops\/[a-z/-]+: /, '');
        const code = errorCode(error);
        const retryable = !isCancel && (error as { retryable?: unknown }).retryable !== false;
        stepSpan?.setStatus({ code: 2, message: code });
        stepSpan?.end();
        if (isCancel) {
          cancelled = true;
          state.setStep(stepId, {
            status: 'cancelled',
            finished_at: done,
            duration_ms: Math.max(0, Date.parse(done) - startMs),
            message,
          });
          state.timeline({ at: done, status: 'cancelled', step_id: stepId, attempt, message });
          runLog('warn', `step ${stepId} cancelled`, undefined, stepId);
          checkpoint();
          break;
        }
        state.timeline({ at: done, status: 'failed', step_id: stepId, attempt, message });
        if (attempt < attempts && retryable) {
          const wait = buildBackoffMs(action.retry, attempt);
          runLog(
            'warn',
            `step ${stepId} attempt ${attempt} failed (${code}); retrying in ${wait} ms`,
            { error_code: code },
            stepId,
          );
          checkpoint();
          try {
            await sleep(wait, options.signal);
          } catch {
            cancelled = true;
            state.setStep(stepId, {
              status: 'cancelled',
              finished_at: state.stamp(),
              message: 'run cancelled while waiting to retry',
            });
            state.timeline({ status: 'cancelled', step_id: stepId, attempt, message: 'run cancelled' });
            checkpoint();
            break;
          }
          continue;
        }
        const step = state.setStep(stepId, {
          status: 'failed',
          finished_at: done,
          duration_ms: Math.max(0, Date.parse(done) - startMs),
          message,
          error: { code, message: full },
        });
        runLog('error', `step ${stepId} failed: ${message}`, { error_code: code, attempt }, stepId);
        if (!action.continue_on_error && !isTicket) failedStep ??= step;
        checkpoint();
        break;
      }
    }
  }

  // ---- finish ----
  const finishedAt = state.stamp();
  const status: automation.RunStatus = cancelled ? 'cancelled' : failedStep ? 'failed' : 'succeeded';
  const summary =
    status === 'failed'
      ? `run failed at step ${failedStep?.step_id}: ${failedStep?.message ?? ''}`
      : status === 'cancelled'
        ? 'run cancelled'
        : options.dryRun
          ? 'dry run: nothing was done'
          : 'run succeeded';
  state.setRun({
    status,
    finished_at: finishedAt,
    duration_ms: Math.max(0, Date.parse(finishedAt) - Date.parse(startedAt)),
  });
  state.timeline({ at: finishedAt, status, message: summary.slice(0, 4000) });
  runLog(status === 'failed' ? 'error' : 'info', summary);
  if (recorder && status === 'failed') {
    const ticketStep = spec.actions.find((a) => a.kind === 'open_ticket_on_failure');
    const path = recorder.postmortem(state.record, {
      ...(ticketStep?.kind === 'open_ticket_on_failure' ? { severity: ticketStep.severity } : {}),
    });
    state.link({
      rel: 'postmortem',
      href: bundleHref(`${recorder.relativeDir}/${path}`),
      title: 'Postmortem',
    });
  }
  writeBack.update(runId, state.takeUpdate());
  writeBack.finish(structuredClone(state.record));
  const written = recorder?.writeRun(state.record, spec.description);
  await emit(status, {
    ...(failedStep ? { failedStep: failedStep.step_id } : {}),
    message: summary,
  });
  await writeBack.flush();
  recorder?.close();
  runSpan?.setAttribute('fieldops.status', status);
  if (status !== 'succeeded') runSpan?.setStatus({ code: 2, message: status });
  runSpan?.end();
  if (options.dryRun) {
    const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
    print(`Dry run of ${spec.deployment_id} (${spec.actions.length} step(s), project ${spec.project}):`);
    for (const line of plan) print(line);
  }
  return {
    status,
    record: state.record,
    bundleDir: recorder?.dir,
    bundle: written,
    plan,
    writeBack: { calls: writeBack.calls, failures: writeBack.failures },
    bundleBytesWritten: recorder?.bytesWritten ?? 0,
  };
}

// Outputs become JSON the way JSON.stringify sees them (Dates as strings, undefined dropped), so a
// handler returning a class instance cannot make the run record invalid. Non-objects are wrapped.
function toJsonObject(value: unknown): StepOutputs {
  const json: unknown = JSON.parse(JSON.stringify(value ?? null));
  return json !== null && typeof json === 'object' && !Array.isArray(json)
    ? (json as StepOutputs)
    : ({ value: json } as StepOutputs);
}

/**
 * The run page of a bundle at `projects/<project>/runs/<date>/<run id>` (relative to the KB root), as
 * @fieldops/docusaurus-plugin-runs routes it under `pagesUrl`: `<pagesUrl>/<project>/<date>/<run id>/`.
 */
export function kbPageUrl(pagesUrl: string, relativeDir: string): string {
  const [, project, , date, runId] = relativeDir.split('/');
  return `${pagesUrl.replace(/\/+$/, '')}/${project}/${date}/${runId}/`;
}
