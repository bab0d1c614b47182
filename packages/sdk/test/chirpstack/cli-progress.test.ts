import type { LogFields, Logger } from '@fieldops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { parseLogOptions, progressMode } from '../../src/cli/logging.js';
import { runCli } from '../../src/cli/run.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';
import { buildCliSpec, captureIo, createSpecDir } from '../support/chirpstack-cli.js';

const N = 10_000;

interface Line {
  level: string;
  fields: Record<string, unknown>;
  msg: string | undefined;
}

/** A logger that keeps what it is given, as pino would write it. */
function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (fields: LogFields, msg?: string) =>
    lines.push({ level, fields: fields as Record<string, unknown>, msg });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let fake: FakeChirpStack;
let dir: string;
let specDir: Awaited<ReturnType<typeof createSpecDir>> | undefined;

beforeAll(async () => {
  fake = await startFakeChirpStack();
  specDir = await createSpecDir(
    'cs-progress',
    buildCliSpec({ tenant: 'site-large', devices: N, withKeys: false, gateway: false }),
  );
  dir = specDir.dir;
});
afterAll(async () => {
  await fake?.stop();
  await specDir?.remove();
});

function cli(progress: CliIo['progress'] | undefined, lines: Line[], stderr: string[]): CliIo {
  const { io } = captureIo(
    dir,
    { CHIRPSTACK_API_TOKEN: fake.apiToken },
    { stderr: (t) => stderr.push(t), logger: recordingLogger(lines), ...(progress ? { progress } : {}) },
  );
  return io;
}

const progressOf = (lines: Line[], label: string) =>
  lines
    .filter((l) => l.fields.operation === label)
    .map((l) => l.fields.progress as { done: number; total: number; percent: number });

describe('fieldops chirpstack on 10,000 devices', () => {
  it('apply logs a progress line per tenth of its steps, then a second plan logs the devices it lists', async () => {
    const args = ['--spec', 'spec.json', '--chirpstack', fake.target, '--concurrency', '32'];
    const lines: Line[] = [];
    expect(await runCli(['chirpstack', 'apply', ...args], cli('lines', lines, []))).toBe(0);
    expect(fake.state.devices.size).toBe(N);
    const steps = progressOf(lines, 'chirpstack apply: steps done');
    // Tenant, application, profile and 10,000 devices: 10,003 steps, reported 11 times (0 %…100 %).
    expect(steps.length).toBe(11);
    expect(steps.at(-1)).toEqual({ done: N + 3, total: N + 3, percent: 100 });
    expect(steps.map((s) => Math.floor(s.percent / 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.done).toBeGreaterThan(steps[i - 1]!.done);
    // And the apply's own summary line, through the same logger.
    expect(lines.some((l) => l.fields.operation === 'chirpstack.apply' && l.fields.applied === N + 3)).toBe(
      true,
    );

    const planLines: Line[] = [];
    expect(await runCli(['chirpstack', 'plan', ...args], cli('lines', planLines, []))).toBe(0);
    const listed = progressOf(planLines, 'chirpstack plan: devices listed');
    expect(listed.at(-1)).toEqual({ done: N, total: N, percent: 100 });
    expect(listed.length).toBeGreaterThanOrEqual(10);
    expect(listed.length).toBeLessThanOrEqual(11);
  }, 900_000);

  it('draws a bar on stderr on a terminal and shows nothing with --quiet', async () => {
    const args = ['--spec', 'spec.json', '--chirpstack', fake.target];
    const lines: Line[] = [];
    const stderr: string[] = [];
    expect(await runCli(['chirpstack', 'plan', ...args], cli('bar', lines, stderr))).toBe(0);
    const bar = stderr.join('');
    expect(bar).toContain(`\rchirpstack plan: devices listed [${'#'.repeat(30)}] ${N}/${N} 100%`);
    expect(bar.endsWith('\n')).toBe(true);
    expect(progressOf(lines, 'chirpstack plan: devices listed')).toEqual([]);

    const { log, rest } = parseLogOptions(['chirpstack', 'plan', '--quiet', ...args], false);
    expect(log).toMatchObject({ quiet: true, level: 'warn' });
    expect(parseLogOptions(['-q', '--log-level', 'debug'], false).log.level).toBe('debug');
    const quietLines: Line[] = [];
    const quietErr: string[] = [];
    expect(progressMode(log, true)).toBe('off');
    expect(progressMode({ ...log, quiet: false }, true)).toBe('bar');
    expect(progressMode({ ...log, quiet: false }, false)).toBe('lines');
    expect(await runCli(rest, cli(progressMode(log, true), quietLines, quietErr))).toBe(0);
    expect(quietErr.join('')).toBe('');
    expect(progressOf(quietLines, 'chirpstack plan: devices listed')).toEqual([]);
  }, 900_000);
});
