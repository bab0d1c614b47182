import type * as automation from '@fieldops/contracts/automation/v1';
import type { Clock } from '@fieldops/core';
import { RunCancelledError, StepTimeoutError } from './errors.js';
import type { RunRecorder } from './kb/run-recorder.js';
import type { Sleep } from './retry.js';
import type { RunState } from './run-state.js';
import type {
  ActionHandler,
  AutomationRegistry,
  HandlerContext,
  SecretSource,
  StepLog,
  StepOutputs,
} from './types.js';

/** Everything one attempt of one step needs. */
export interface AttemptInput {
  spec: automation.ExecutionSpec;
  state: RunState;
  stepId: string;
  attempt: number;
  timeoutMs: number;
  runSignal: AbortSignal | undefined;
  log: StepLog;
  secrets: SecretSource;
  outputs: ReadonlyMap<string, StepOutputs>;
  registry: AutomationRegistry | undefined;
  bundle: HandlerContext['bundle'];
  recorder: RunRecorder | undefined;
  clock: Clock;
  sleep: Sleep;
  redact: (text: string) => string;
  /** A file the handler wrote into the bundle (becomes a run link, once per path). */
  onFile: (rel: 'artifact' | 'snapshot', path: string, title: string) => void;
}

// One attempt: the handler races the step's timeout and the run's cancellation. A handler that
// ignores its signal is abandoned (its promise is left to settle on its own), not awaited forever.
// The timer is not unref'd: it is what keeps the process alive (and the run finishing) when a
// handler waits on something that will never settle.
export async function runAttempt(handler: ActionHandler, action: automation.Action, input: AttemptInput) {
  const controller = new AbortController();
  let onAbort: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new StepTimeoutError(input.stepId, input.timeoutMs);
      controller.abort(error);
      reject(error);
    }, input.timeoutMs);
    onAbort = () => {
      const error = new RunCancelledError(`run cancelled during step ${input.stepId}`);
      controller.abort(error);
      reject(error);
    };
    if (input.runSignal?.aborted) onAbort();
    else input.runSignal?.addEventListener('abort', onAbort, { once: true });
  });
  stop.catch(() => {});
  const ctx: HandlerContext = {
    spec: input.spec,
    run: input.state.record,
    stepId: input.stepId,
    attempt: input.attempt,
    signal: controller.signal,
    log: input.log,
    secrets: input.secrets,
    outputs: input.outputs,
    registry: input.registry,
    bundle: input.bundle,
    snapshot: (s) => {
      const path = input.recorder?.snapshot({ ...s, step_id: input.stepId });
      if (path) input.onFile('snapshot', path, s.title ?? s.name);
    },
    artifact: (a) => {
      const artifact = input.recorder?.artifact({ ...a, step_id: input.stepId });
      if (artifact?.path) input.onFile('artifact', artifact.path, a.name);
    },
    now: () => new Date(input.clock.now()),
    redact: input.redact,
    sleep: input.sleep,
  };
  try {
    return (await Promise.race([handler.run(action, ctx), stop])) ?? undefined;
  } finally {
    clearTimeout(timer);
    if (onAbort) input.runSignal?.removeEventListener('abort', onAbort);
  }
}
