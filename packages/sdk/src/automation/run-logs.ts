import type { Redactor } from '../secrets/redactor.js';
import type { RunRecorder } from './kb/run-recorder.js';
import type { Logger } from './logger.js';
import type { StepLog } from './types.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * The run's two log writers: runner lines (`logs/run.ndjson`, or the step's file when a step is named)
 * and the StepLog handed to handlers. Both go to the caller's logger and the bundle, redacted first.
 */
export function createRunLogs(input: {
  logger: Logger;
  redactor: Redactor;
  recorder: RunRecorder | undefined;
  runId: string;
}): {
  runLog: (level: Level, msg: string, fields?: Record<string, unknown>, stepId?: string) => void;
  stepLog: (stepId: string) => StepLog;
} {
  const { logger, redactor, recorder, runId } = input;
  const redact = (text: string) => redactor.redactString(text);
  const runLog = (level: Level, msg: string, fields?: Record<string, unknown>, stepId?: string) => {
    const clean = redact(msg);
    const cleanFields = fields ? (redactor.redactValue(fields) as Record<string, unknown>) : undefined;
    logger[level](
      { automation_run_id: runId, ...(stepId ? { step_id: stepId } : {}), ...cleanFields },
      clean,
    );
    recorder?.log({
      level,
      msg: clean,
      stream: 'runner',
      ...(stepId !== undefined ? { step_id: stepId } : {}),
      ...(cleanFields !== undefined ? { fields: cleanFields } : {}),
    });
  };
  const stepLog = (stepId: string): StepLog => {
    const at = (level: Level) => (msg: string, fields?: Record<string, unknown>) => {
      const clean = redact(msg);
      const cleanFields = fields ? (redactor.redactValue(fields) as Record<string, unknown>) : undefined;
      logger[level]({ automation_run_id: runId, step_id: stepId, ...cleanFields }, clean);
      recorder?.log({
        level,
        msg: clean,
        step_id: stepId,
        ...(cleanFields ? { fields: cleanFields } : {}),
      });
    };
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      output(stream, text) {
        for (const line of text.split(/\r?\n/)) {
          if (line === '') continue;
          recorder?.log({
            level: stream === 'stderr' ? 'warn' : 'info',
            msg: redact(line),
            step_id: stepId,
            stream,
          });
        }
      },
    };
  };
  return { runLog, stepLog };
}
