import type { Redactor, StreamRedactor } from '@fieldops/core/secrets';
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
  stepLog: (stepId: string) => StepLog & { close(): void };
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
  const stepLog = (stepId: string): StepLog & { close(): void } => {
    // Command output is redacted as one stream per attempt and stream name, then cut into lines.
    const streams = new Map<'stdout' | 'stderr', OutputLines>();
    const outputLines = (stream: 'stdout' | 'stderr') => {
      let lines = streams.get(stream);
      if (!lines) {
        lines = createOutputLines(redactor.createStream());
        streams.set(stream, lines);
      }
      return lines;
    };
    const writeLine = (stream: 'stdout' | 'stderr', line: string) =>
      recorder?.log({ level: stream === 'stderr' ? 'warn' : 'info', msg: line, step_id: stepId, stream });
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
        for (const line of outputLines(stream).push(text)) writeLine(stream, line);
      },
      close() {
        for (const [stream, lines] of streams) for (const line of lines.end()) writeLine(stream, line);
        streams.clear();
      },
    };
  };
  return { runLog, stepLog };
}

/** A line longer than this is written in pieces (already redacted, so a cut is safe). */
const MAX_OUTPUT_LINE = 16 * 1024;

interface OutputLines {
  push(chunk: string): string[];
  end(): string[];
}

/** Redacted, complete lines out of a stream of chunks (the partial last line is held back). */
function createOutputLines(stream: StreamRedactor): OutputLines {
  let partial = '';
  const take = (text: string, final: boolean): string[] => {
    const parts = (partial + text).split(/\r?\n/);
    partial = final ? '' : (parts.pop() ?? '');
    if (partial.length > MAX_OUTPUT_LINE) {
      parts.push(partial);
      partial = '';
    }
    return parts.map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
  };
  return {
    push: (chunk) => take(stream.push(chunk), false),
    end: () => take(stream.end(), true),
  };
}
