import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import * as kb from '@fieldops/contracts/kb/v1';
import { InvalidBundleError } from '../errors.js';
import { parseAnsi } from '../render/ansi.js';
import type { LogLine } from '../types.js';
import { parseIn } from './bundle-files.js';

/** What reading one NDJSON log gives. */
export interface ReadLogResult {
  lines: LogLine[];
  totalLines: number;
}

/**
 * Streams an NDJSON log line by line (a big log is never one string in memory), validating each
 * line as `kb.v1.LogEntry`. Keeps at most `maxLines` lines; later lines are validated and counted.
 */
export async function readLog(file: string, maxLines: number): Promise<ReadLogResult> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines: LogLine[] = [];
  let lineNo = 0;
  let totalLines = 0;
  try {
    const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const raw of rl) {
      lineNo++;
      if (raw.trim() === '') continue;
      const where = `${file}:${lineNo}`;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (cause) {
        throw new InvalidBundleError(where, `not valid JSON: ${(cause as Error).message}`, { cause });
      }
      const entry = parseIn(kb.LogEntry, value, where);
      totalLines++;
      if (lines.length < maxLines) {
        const line: LogLine = { n: lineNo, ts: entry.ts, level: entry.level, segments: parseAnsi(entry.msg) };
        if (entry.step_id !== undefined) line.step_id = entry.step_id;
        if (entry.stream !== undefined) line.stream = entry.stream;
        lines.push(line);
      }
    }
  } catch (cause) {
    if (cause instanceof InvalidBundleError) throw cause;
    throw new InvalidBundleError(file, `cannot read the log (${(cause as NodeJS.ErrnoException).code})`, {
      cause,
    });
  } finally {
    stream.destroy();
  }
  return { lines, totalLines };
}
