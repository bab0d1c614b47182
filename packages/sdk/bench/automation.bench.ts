// Runner overhead: a 200-action spec on no-op handlers, with and without a run bundle, against the
// same 200 handler calls made directly (the baseline, measured in this process).
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as automation from '@fieldops/contracts/automation/v1';
import { type ActionHandler, type AutomationRegistry, runSpec } from '../src/automation/index.js';

const ACTIONS = 200;
const ROUNDS = 7;

function spec() {
  return {
    spec_version: 1,
    deployment_id: 'dep_bench0000000000000001',
    customer_id: 'cus_bench0000000000000001',
    site_id: 'site_bench000000000000001',
    project: 'bench',
    product_code: 'BENCH',
    product_version: '1.0.0',
    targets: {},
    actions: Array.from({ length: ACTIONS }, (_, i) => ({
      id: `step-${i}`,
      kind: 'run_health_checks',
      checks: [{ type: 'tcp', host: '127.0.0.1', port: 1 }],
    })),
  };
}

const noop: ActionHandler<'run_health_checks'> = { run: async () => ({ outputs: { ok: true } }) };

function memoryRegistry(): AutomationRegistry & { calls: number } {
  const r = {
    calls: 0,
    async createAutomationRun(run: automation.RunRecord) {
      r.calls += 1;
      return run;
    },
    async updateAutomationRun() {
      r.calls += 1;
      return {} as automation.RunRecord;
    },
    async createTicket(): Promise<never> {
      throw new Error('not in this bench');
    },
  };
  return r;
}

function dirBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      bytes += statSync(join(e.parentPath, e.name)).size;
      files += 1;
    }
  }
  return { bytes, files };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

export default async function bench(): Promise<void> {
  const input = spec();
  const baseline: number[] = [];
  const bare: number[] = [];
  const full: number[] = [];
  const every: number[] = [];
  const ioFloor: number[] = [];
  let written = 0;
  let writtenEvery = 0;
  let onDisk = { bytes: 0, files: 0 };
  let writeBackCalls = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Baseline: the handlers alone.
    let t = performance.now();
    for (const a of input.actions) await noop.run(a as never, {} as never);
    baseline.push(performance.now() - t);

    // Runner, no KB, no registry.
    t = performance.now();
    await runSpec(input, { handlers: { run_health_checks: noop } });
    bare.push(performance.now() - t);

    // Runner with the run bundle and write-back to an in-memory registry.
    const root = mkdtempSync(join(tmpdir(), 'fieldops-bench-kb-'));
    const registry = memoryRegistry();
    t = performance.now();
    const result = await runSpec(input, { handlers: { run_health_checks: noop }, kb: { root }, registry });
    full.push(performance.now() - t);
    if (result.status !== 'succeeded') throw new Error(`bench run ${result.status}`);
    onDisk = dirBytes(result.bundleDir!);
    // The I/O floor: the same files, line counts and run.json written raw (no runner, no validation,
    // no redaction), one write per line as the recorder does.
    const rawRoot = mkdtempSync(join(tmpdir(), 'fieldops-bench-raw-'));
    const runJson = JSON.stringify(result.bundle);
    const line = `${JSON.stringify({ ts: new Date().toISOString(), level: 'info', msg: 'step step-0 succeeded', step_id: 'step-0' })}\n`;
    t = performance.now();
    mkdirSync(join(rawRoot, 'logs'), { recursive: true });
    for (const log of result.bundle!.logs) {
      const fd = openSync(join(rawRoot, log.path), 'a');
      for (let i = 0; i < (log.lines ?? 0); i++) writeSync(fd, line);
      closeSync(fd);
    }
    writeFileSync(join(rawRoot, 'run.json'), runJson);
    ioFloor.push(performance.now() - t);
    rmSync(rawRoot, { recursive: true, force: true });
    written = result.bundleBytesWritten;
    writeBackCalls = registry.calls;
    rmSync(root, { recursive: true, force: true });

    // Same, with run.json rewritten at every change (checkpointMs 0).
    const root2 = mkdtempSync(join(tmpdir(), 'fieldops-bench-kb-'));
    t = performance.now();
    const r2 = await runSpec(input, {
      handlers: { run_health_checks: noop },
      kb: { root: root2, checkpointMs: 0 },
      registry: memoryRegistry(),
    });
    every.push(performance.now() - t);
    writtenEvery = r2.bundleBytesWritten;
    rmSync(root2, { recursive: true, force: true });
  }
  const b = median(baseline);
  const r = median(bare);
  const f = median(full);
  const e = median(every);
  const io = median(ioFloor);
  console.log(`spec: ${ACTIONS} actions on no-op handlers, median of ${ROUNDS} rounds`);
  console.log(`baseline (handlers called directly): ${b.toFixed(2)} ms total, ${us(b / ACTIONS)} per action`);
  console.log(
    `runner, no bundle:                   ${r.toFixed(2)} ms total, overhead ${us((r - b) / ACTIONS)} per action`,
  );
  console.log(
    `runner + bundle + write-back:        ${f.toFixed(2)} ms total, overhead ${us((f - b) / ACTIONS)} per action`,
  );
  console.log(
    `  same, run.json at every change:     ${e.toFixed(2)} ms total, overhead ${us((e - b) / ACTIONS)} per action`,
  );
  console.log(
    `bundle on disk: ${onDisk.files} files, ${onDisk.bytes.toLocaleString('en')} bytes (${(onDisk.bytes / ACTIONS).toFixed(0)} bytes per action)`,
  );
  console.log(
    `bytes written into the bundle: ${written.toLocaleString('en')} (checkpoint every 1 s), ${writtenEvery.toLocaleString('en')} (run.json at every change)`,
  );
  console.log(`registry write-back calls: ${writeBackCalls}`);
  console.log(
    `I/O floor (same files and lines written raw): ${io.toFixed(2)} ms total, ${us(io / ACTIONS)} per action`,
  );
  console.log(`ratio runner+bundle+write-back / I/O floor: ${(f / io).toFixed(1)}×`);
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
