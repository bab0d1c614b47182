// Runs the real `fieldops-agent` bin (src/bin.ts through tsx) as a child process for tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A running agent process. */
export interface AgentProcess {
  child: ChildProcess;
  /** stdout (pino JSON lines) and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or the signal) once it exited. */
  exited: Promise<number | NodeJS.Signals>;
}

/** Spawns `fieldops-agent` with `args` and `env` added to this process's environment. */
export function spawnAgent(args: string[], env: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PACKAGE, 'src/bin.ts'), ...args], {
    cwd: PACKAGE,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal as NodeJS.Signals))),
  );
  process.once('exit', () => child.kill('SIGKILL'));
  return { child, output: () => out, exited };
}

/** Runs the bin to completion (for `--check`). */
export async function runAgent(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | NodeJS.Signals; output: string }> {
  const p = spawnAgent(args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}
