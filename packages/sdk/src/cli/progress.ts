// Progress of long CLI work (`chirpstack plan`/`apply` over many devices, `verify`): a bar on a
// terminal, otherwise one log line per tenth of the work (the first and the last included), so a
// CI log shows a run moving without one line per device. `--quiet` turns it off.
import type { CliIo } from './io.js';

/** How a command shows progress: a bar (stderr is a terminal), log lines, or nothing (`--quiet`). */
export type ProgressMode = 'bar' | 'lines' | 'off';

/** Reports `done` of `total` for one piece of work. */
export interface ProgressReporter {
  update(done: number, total: number): void;
  /** Ends the bar's line; lines mode has nothing to close. */
  end(): void;
}

const BAR_WIDTH = 30;

/**
 * A reporter for `label` (e.g. `chirpstack apply`) in the mode `io.progress` says; none when unset
 * (the bin always sets it, see `progressMode`; a program embedding `runCli` opts in).
 */
export function createProgressReporter(io: CliIo, label: string): ProgressReporter {
  const mode: ProgressMode = io.progress ?? 'off';
  let shown = -1;
  let drawn = false;
  if (mode === 'off') return { update() {}, end() {} };
  return {
    update(done, total) {
      const t = Math.max(total, done, 1);
      const percent = Math.floor((done / t) * 100);
      if (mode === 'bar') {
        if (percent === shown) return;
        shown = percent;
        const filled = Math.round((done / t) * BAR_WIDTH);
        io.stderr(
          `\r${label} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${t} ${percent}%`,
        );
        drawn = true;
        return;
      }
      const tenth = Math.floor(percent / 10);
      if (tenth === shown) return;
      shown = tenth;
      const message = `${label}: ${done}/${t} (${percent}%)`;
      if (io.logger) io.logger.info({ operation: label, progress: { done, total: t, percent } }, message);
      else io.stderr(`${message}\n`);
    },
    end() {
      if (drawn) io.stderr('\n');
      drawn = false;
    },
  };
}

/** Counts checks of a run whose total is not known beforehand (`verify`): one log line or a counter per check. */
export function createCheckProgress(
  io: CliIo,
  label: string,
): { check(result: { name: string; status: 'pass' | 'fail' | 'skip' }): void; end(): void } {
  const mode: ProgressMode = io.progress ?? 'off';
  const counts = { pass: 0, fail: 0, skip: 0 };
  let drawn = false;
  if (mode === 'off') return { check() {}, end() {} };
  return {
    check(result) {
      counts[result.status] += 1;
      const done = counts.pass + counts.fail + counts.skip;
      const tally = `${done} checks (${counts.pass} pass, ${counts.fail} fail, ${counts.skip} skip)`;
      if (mode === 'bar') {
        io.stderr(`\r${label}: ${tally}`);
        drawn = true;
        return;
      }
      const message = `${label}: ${tally}; ${result.name} ${result.status}`;
      const fields = {
        operation: label,
        check: result.name,
        status: result.status,
        progress: { done, ...counts },
      };
      if (io.logger) io.logger.info(fields, message);
      else io.stderr(`${message}\n`);
    },
    end() {
      if (drawn) io.stderr('\n');
      drawn = false;
    },
  };
}
