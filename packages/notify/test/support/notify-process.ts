import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** The real bin, as `npx fieldops-notify` runs it (from dist: build the package first). */
export const BIN = fileURLToPath(new URL('../../bin/fieldops-notify.js', import.meta.url));

/** A running `fieldops-notify` child: its JSON log lines, stderr, and exit. */
export interface NotifyProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first log line `pred` accepts (polls the lines; no timer of its own). */
  waitForLine(pred: (l: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
}

/** Writes `config` as YAML into a fresh directory and returns the file path. */
export async function writeConfig(config: unknown, name = 'notify.yaml'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'notify-svc-'));
  const path = join(dir, name);
  await writeFile(path, typeof config === 'string' ? config : stringify(config));
  return path;
}

/** Spawns `fieldops-notify` with `args` and `env` added to a clean environment. */
export function spawnNotify(args: string[], env: Record<string, string> = {}): NotifyProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) {
      if (!p.trim()) continue;
      try {
        lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        lines.push({ not_json: p });
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForLine(pred, what) {
      for (;;) {
        const found = lines.find(pred);
        if (found) return found;
        if (done) throw new Error(`fieldops-notify exited before "${what}"; stderr: ${err}; stdout: ${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}

/** A `fieldops-notify` started with `--config path` and ready: the process, its API URL and its ready line. */
export async function startNotify(
  path: string,
  env: Record<string, string> = {},
): Promise<{ p: NotifyProcess; url: string; ready: Record<string, unknown>; readyAt: number }> {
  const p = spawnNotify(['--config', path], env);
  const ready = await p.waitForLine((l) => l.msg === 'notify ready', 'notify ready');
  return { p, url: String(ready.url), ready, readyAt: Date.now() };
}

/** POSTs `body` to the service's `/notify/events` with the API token. */
export function postEvents(url: string, token: string, body: unknown): Promise<Response> {
  return fetch(`${url}/notify/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}
