import { spawn } from 'node:child_process';
import { AutomationError } from '../errors.js';

/** What a command printed and how it ended. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Options of one command. */
export interface CommandOptions {
  cwd?: string;
  /** Added to the inherited environment (secrets travel here, never on the command line). */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Output as it arrives. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

/** Runs a program. Tests pass a fake that records the calls; the default spawns a process. */
export interface CommandRunner {
  run(command: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

/** A runner that spawns the program (no shell), killing it with SIGTERM when the signal fires. */
export function createChildProcessRunner(): CommandRunner {
  return {
    run(command, args, options = {}) {
      return new Promise((resolve, reject) => {
        const child = spawn(command, [...args], {
          cwd: options.cwd,
          env: { ...process.env, ...options.env },
          stdio: ['ignore', 'pipe', 'pipe'],
          ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => {
          stdout += c;
          options.onOutput?.('stdout', c);
        });
        child.stderr.setEncoding('utf8').on('data', (c: string) => {
          stderr += c;
          options.onOutput?.('stderr', c);
        });
        child.on('error', (cause) => {
          if (options.signal?.aborted) reject(options.signal.reason ?? cause);
          else
            reject(
              new AutomationError('command_failed', `cannot run ${command}: ${(cause as Error).message}`, {
                cause,
              }),
            );
        });
        child.on('close', (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
      });
    },
  };
}
