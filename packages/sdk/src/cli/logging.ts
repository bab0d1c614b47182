// The CLI's logger: pino to stderr, JSON lines by default and pretty on a terminal. The global options
// `--log-level` and `--log-format` are taken out of argv before the command parses its own.
import type { Logger } from '@fieldops/core';
import { requirePeer } from '../internal/peers.js';
import { UsageError } from './io.js';

/** How the CLI logs. */
export interface LogOptions {
  level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  format: 'json' | 'pretty';
  /** `--quiet`: no progress, and warnings and errors only unless `--log-level` says otherwise. */
  quiet: boolean;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const FORMATS = ['json', 'pretty'] as const;

/**
 * Takes `--log-level X` / `--log-format X` (or `=X`) and `--quiet` out of `argv`; the defaults depend
 * on the terminal.
 */
export function parseLogOptions(
  argv: readonly string[],
  stderrIsTTY: boolean,
): { log: LogOptions; rest: string[] } {
  const log: LogOptions = { level: 'info', format: stderrIsTTY ? 'pretty' : 'json', quiet: false };
  const rest: string[] = [];
  let levelGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quiet' || arg === '-q') {
      log.quiet = true;
      continue;
    }
    const m = /^--(log-level|log-format)(?:=(.*))?$/.exec(arg);
    if (!m) {
      rest.push(arg);
      continue;
    }
    const value = m[2] ?? argv[++i];
    if (m[1] === 'log-level') {
      if (!LEVELS.includes(value as LogOptions['level']))
        throw new UsageError(
          `fieldops: --log-level: expected one of ${LEVELS.join(', ')}, got ${String(value)}`,
        );
      log.level = value as LogOptions['level'];
      levelGiven = true;
    } else {
      if (!FORMATS.includes(value as LogOptions['format']))
        throw new UsageError(`fieldops: --log-format: expected json or pretty, got ${String(value)}`);
      log.format = value as LogOptions['format'];
    }
  }
  if (log.quiet && !levelGiven) log.level = 'warn';
  return { log, rest };
}

/** How progress shows: off with `--quiet`, a bar when stderr is a terminal, log lines otherwise. */
export function progressMode(log: LogOptions, stderrIsTTY: boolean): 'bar' | 'lines' | 'off' {
  if (log.quiet) return 'off';
  return stderrIsTTY ? 'bar' : 'lines';
}

type Pino = ((options: object, stream?: unknown) => Logger) & { destination(o: object): unknown };
type PinoPretty = (options: object) => unknown;

/** A pino logger writing to stderr (fd 2) with `options`; pino and pino-pretty are peers of the CLI. */
export function createCliLogger(options: LogOptions, colorize: boolean): Logger {
  const pino = requirePeer<Pino>('the fieldops CLI', ['pino', 'pino-pretty'], 'pino');
  const base = { level: options.level, base: undefined };
  if (options.format === 'pretty') {
    const pretty = requirePeer<PinoPretty>('the fieldops CLI', ['pino', 'pino-pretty'], 'pino-pretty');
    return pino(base, pretty({ destination: 2, sync: true, colorize, ignore: 'pid,hostname' }));
  }
  return pino(base, pino.destination({ fd: 2, sync: true }));
}
