import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandOptions, CommandResult, CommandRunner } from '../../src/automation/index.js';

/** A canary secret: it must appear in no bundle file and no captured log line. */
export const CANARY = 'CANARY-5e1f0a9c-do-not-leak';

/** Every file under `dir` (recursive) with its text. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(path.slice(dir.length + 1), await readFile(path, 'utf8'));
  }
  return out;
}

/** A logger that keeps every line as JSON text. */
export function captureLogger() {
  const lines: string[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => {
    lines.push(JSON.stringify({ level, ...obj, msg }));
  };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

/** A command runner that records calls and answers from a script. */
export function fakeCommandRunner(answer: (args: readonly string[]) => Partial<CommandResult> = () => ({})) {
  const calls: { command: string; args: string[]; cwd?: string | undefined; env: Record<string, string> }[] =
    [];
  const runner: CommandRunner = {
    async run(command, args, options: CommandOptions = {}) {
      calls.push({ command, args: [...args], cwd: options.cwd, env: { ...options.env } });
      const r = { exitCode: 0, stdout: '', stderr: '', ...answer(args) };
      if (r.stdout) options.onOutput?.('stdout', r.stdout);
      if (r.stderr) options.onOutput?.('stderr', r.stderr);
      return r;
    },
  };
  return { runner, calls };
}

export { type ProxmoxMockOptions, proxmoxMock } from './proxmox-mock.js';

/** A valid spec around the given actions. */
export function buildSpec(actions: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  return {
    spec_version: 1,
    deployment_id: 'dep_01jd8y3k2m0000000000000001',
    customer_id: 'cus_01jd8y3k2m0000000000000001',
    site_id: 'site_01jd8y3k2m0000000000000001',
    project: 'site-test-01',
    product_code: 'COLDCHAIN-LW',
    product_version: '2.3.0',
    targets: {
      gateways: [
        {
          device_id: 'dev_01jd8y3k2m00000000000000g1',
          gateway_id: 'gw_01jd8y3k2m00000000000000g1',
          gateway_eui: 'AC1F09FFFE0A0B01',
          name: 'test-gw',
          region: 'as923_2',
        },
      ],
    },
    actions,
    ...extra,
  };
}

/** A clock that advances 1 s per reading, from a fixed start. */
export function steppingClock(start = '2026-11-27T10:00:00.000Z', stepMs = 1000) {
  let t = Date.parse(start);
  return () => {
    const d = new Date(t);
    t += stepMs;
    return d;
  };
}
