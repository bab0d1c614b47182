import { safeParseContract } from '@fieldops/contracts';
import * as automation from '@fieldops/contracts/automation/v1';
import { AutomationError } from './errors.js';
import { createRunContext } from './run-context.js';
import { finishRun } from './run-finish.js';
import type { RunResult, RunSpecOptions } from './run-options.js';
import { runStep } from './run-step.js';

export { kbPageUrl } from './run-context.js';

/**
 * Runs an execution spec: validates it (v1), runs its actions in order (timeout, retry policy,
 * `continue_on_error`), keeps the status timeline, writes it back to the registry as it changes,
 * records the run bundle, emits the run events and runs `open_ticket_on_failure` steps when a step
 * failed. Returns when the run has finished; throws only for an invalid spec or an unusable KB path.
 */
export async function runSpec(input: unknown, options: RunSpecOptions = {}): Promise<RunResult> {
  const spec = validate(input);
  const run = createRunContext(spec, options);
  await startRun(run);
  for (const [index, action] of spec.actions.entries()) await runStep(run, action, index);
  return finishRun(run);
}

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

/** The run as queued, then running: written back, recorded and announced. */
async function startRun(run: ReturnType<typeof createRunContext>): Promise<void> {
  const { state, spec, options, runId } = run;
  run.writeBack.create(structuredClone(state.record));
  state.takeUpdate();
  run.recorder?.writeRun(state.record, spec.description);
  run.runLog(
    'info',
    `run ${runId} queued: ${spec.actions.length} step(s) for deployment ${spec.deployment_id}`,
    {
      project: spec.project,
      dry_run: options.dryRun === true,
    },
  );
  run.startedAt = state.stamp();
  state.setRun({ status: 'running', started_at: run.startedAt });
  state.timeline({ at: run.startedAt, status: 'running' });
  run.checkpoint();
  await run.emit('running');
}
