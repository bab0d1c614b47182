import type * as automation from '@fieldops/contracts/automation/v1';
import { SPAN_STATUS } from '@fieldops/core';
import type { RunContext } from './run-context.js';
import type { RunResult } from './run-options.js';

/**
 * Ends the run: its status and summary, the postmortem of a failed run, the last write-back, run.json,
 * the final event, the run span, and the printed plan of a dry run.
 */
export async function finishRun(run: RunContext): Promise<RunResult> {
  const { state, recorder, options, spec } = run;
  const status: automation.RunStatus = run.cancelled ? 'cancelled' : run.failedStep ? 'failed' : 'succeeded';
  const summary = summarize(run, status);
  const finishedAt = state.stamp();
  state.setRun({
    status,
    finished_at: finishedAt,
    duration_ms: Math.max(0, Date.parse(finishedAt) - Date.parse(run.startedAt)),
  });
  state.timeline({ at: finishedAt, status, message: summary.slice(0, 4000) });
  run.runLog(status === 'failed' ? 'error' : 'info', summary);
  if (status === 'failed') writePostmortem(run);
  run.writeBack.update(run.runId, state.takeUpdate());
  run.writeBack.finish(structuredClone(state.record));
  const written = recorder?.writeRun(state.record, spec.description);
  await run.emit(status, {
    ...(run.failedStep ? { failedStep: run.failedStep.step_id } : {}),
    message: summary,
  });
  await run.writeBack.flush();
  recorder?.close();
  run.runSpan?.setAttribute('fieldops.status', status);
  if (status !== 'succeeded') run.runSpan?.setStatus({ code: SPAN_STATUS.ERROR, message: status });
  run.runSpan?.end();
  if (options.dryRun) printPlan(run);
  return {
    status,
    record: state.record,
    bundleDir: recorder?.dir,
    bundle: written,
    plan: run.plan,
    writeBack: { calls: run.writeBack.calls, failures: run.writeBack.failures },
    bundleBytesWritten: recorder?.bytesWritten ?? 0,
  };
}

function summarize(run: RunContext, status: automation.RunStatus): string {
  if (status === 'failed')
    return `run failed at step ${run.failedStep?.step_id}: ${run.failedStep?.message ?? ''}`;
  if (status === 'cancelled') return 'run cancelled';
  return run.options.dryRun ? 'dry run: nothing was done' : 'run succeeded';
}

/** The postmortem of a failed run, linked from the record (needs a KB). */
function writePostmortem(run: RunContext): void {
  const { recorder, spec, state } = run;
  if (!recorder) return;
  const ticketStep = spec.actions.find((a) => a.kind === 'open_ticket_on_failure');
  const path = recorder.postmortem(state.record, {
    ...(ticketStep?.kind === 'open_ticket_on_failure' ? { severity: ticketStep.severity } : {}),
  });
  state.link({
    rel: 'postmortem',
    href: run.bundleHref(`${recorder.relativeDir}/${path}`),
    title: 'Postmortem',
  });
}

function printPlan(run: RunContext): void {
  const { spec } = run;
  const print = run.options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  print(`Dry run of ${spec.deployment_id} (${spec.actions.length} step(s), project ${spec.project}):`);
  for (const line of run.plan) print(line);
}
