import { FieldopsError, type Logger } from '@fieldops/core';

/** Where a CLI command writes, and what it may read; injected so tests need no child process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Asks the person at the terminal a yes/no question; absent when stdin is not a TTY (then a
   * command that needs confirmation wants `--yes`).
   */
  confirm?: (question: string) => Promise<boolean>;
  /** Structured logs (stderr): one line per client call. The bin passes pino; tests may pass none. */
  logger?: Logger;
  /** Progress of long work: a bar on a terminal, log lines otherwise, off with `--quiet` (default off). */
  progress?: 'bar' | 'lines' | 'off';
}

/** A CLI command: parses its own arguments and returns the process exit code. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run: (args: string[], io: CliIo) => Promise<number>;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** Thrown for a bad command line; printed with the command's usage, exit code 2. */
export class UsageError extends FieldopsError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super('usage', message);
  }
}
