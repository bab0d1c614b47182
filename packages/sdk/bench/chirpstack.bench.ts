// ChirpStack reconciler: plan + apply of 10,000 devices (with keys) against the fake ChirpStack over
// real loopback gRPC. The fake runs in a worker thread (a real server is another process) and adds
// a small per-call latency (FAKE_LATENCY_MS) to stand in for a real server's database round trip;
// without it both runs are CPU-bound and concurrency has nothing to overlap. Sequential
// (concurrency 1) is the baseline, measured in the same process.

/** The fake server in a worker thread, with its counters over messages. */
async function startWorkerFake(latencyMs: number) {
  const worker = new Worker(new URL('./chirpstack-fake-worker.mjs', import.meta.url), {
    workerData: { latencyMs },
  });
  let next = 0;
  const waiting = new Map<number, (m: { counts?: Record<string, number> }) => void>();
  const ready = await new Promise<{ target: string; apiToken: string }>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (m: { id?: number; ready?: boolean; target: string; apiToken: string }) => {
      if (m.ready) resolve(m);
      else if (m.id !== undefined) waiting.get(m.id)?.(m as { counts?: Record<string, number> });
    });
  });
  const ask = (op: 'counts' | 'reset' | 'stop') =>
    new Promise<{ counts?: Record<string, number> }>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      worker.postMessage({ id, op });
    });
  return {
    ...ready,
    rpcCounts: async () => (await ask('counts')).counts ?? {},
    rpcTotal: async () => Object.values((await ask('counts')).counts ?? {}).reduce((a, b) => a + b, 0),
    resetCounters: async () => {
      await ask('reset');
    },
    stop: async () => {
      await ask('stop');
      await worker.terminate();
    },
  };
}

import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  applyPlan,
  changeCount,
  createChirpStackClient,
  type DesiredState,
  planReconcile,
} from '../src/chirpstack/index.js';

const DEVICES = Number(process.env.CHIRPSTACK_BENCH_DEVICES ?? 10_000);
const FAKE_LATENCY_MS = Number(process.env.CHIRPSTACK_BENCH_LATENCY_MS ?? 4);
const KEY = '2b7e151628aed2a6abf7158809cf4f3c';

function desired(n: number): DesiredState {
  return {
    tenant: { name: 'bench-site' },
    applications: [{ name: 'sensors' }],
    device_profiles: [
      {
        name: 'as923-2',
        region: 'as923_2',
        mac_version: 'LORAWAN_1_0_3',
        reg_params_revision: 'RP002_1_0_3',
        supports_otaa: true,
        uplink_interval_s: 900,
      },
    ],
    gateways: [{ gateway_eui: 'aa555a0000000001', name: 'gw-1' }],
    devices: Array.from({ length: n }, (_, i) => ({
      dev_eui: (0x70b3d50000000000n + BigInt(i)).toString(16).padStart(16, '0'),
      name: `dev-${String(i).padStart(6, '0')}`,
      application: 'sensors',
      device_profile: 'as923-2',
      tags: { line: `L${i % 8}` },
      keys: { nwk_key_ref: 'env:BENCH_APP_KEY' },
    })),
  };
}

const resolveSecret = async () => KEY;

async function run(concurrency: number, devices = DEVICES) {
  const fake = await startWorkerFake(FAKE_LATENCY_MS);
  const client = createChirpStackClient({ target: fake.target, apiToken: fake.apiToken });
  try {
    const state = desired(devices);
    let t = performance.now();
    const plan = await planReconcile(state, client, { resolveSecret });
    const planMs = performance.now() - t;
    const planRpcs = await fake.rpcTotal();
    await fake.resetCounters();
    t = performance.now();
    const result = await applyPlan(plan, client, { resolveSecret, concurrency });
    const applyMs = performance.now() - t;
    const applyRpcs = await fake.rpcTotal();
    const applyCounts = await fake.rpcCounts();
    await fake.resetCounters();
    t = performance.now();
    const replan = await planReconcile(state, client, { resolveSecret });
    const replanMs = performance.now() - t;
    const replanRpcs = await fake.rpcTotal();
    const replanCounts = await fake.rpcCounts();
    // A small change set on the converged fleet: 100 renamed devices, 50 rotated keys.
    for (let i = 0; i < Math.min(100, devices); i++) state.devices![(i * 7) % devices]!.name += '-renamed';
    const rotated = new Set(
      Array.from({ length: Math.min(50, devices) }, (_, i) => state.devices![(i * 13) % devices]!.dev_eui),
    );
    const rotate = async (ref: string) => (ref === 'env:ROTATED' ? KEY.replace('2b', '3c') : KEY);
    for (const d of state.devices!) if (rotated.has(d.dev_eui)) d.keys = { nwk_key_ref: 'env:ROTATED' };
    await fake.resetCounters();
    const small = await planReconcile(state, client, { resolveSecret: rotate });
    const smallPlanRpcs = await fake.rpcTotal();
    await applyPlan(small, client, { resolveSecret: rotate, concurrency });
    const smallTotalRpcs = await fake.rpcTotal();
    return {
      smallChanges: changeCount(small),
      smallPlanRpcs,
      smallApplyRpcs: smallTotalRpcs - smallPlanRpcs,
      concurrency,
      changes: changeCount(plan),
      planMs,
      planRpcs,
      applyMs,
      applyRpcs,
      applyCounts,
      errors: result.errors.length,
      replanChanges: changeCount(replan),
      replanRpcs,
      replanCounts,
      replanMs,
    };
  } finally {
    client.close();
    await fake.stop();
  }
}

const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;

export default async function chirpstackBench(): Promise<void> {
  console.log(
    `${DEVICES.toLocaleString('en-US')} devices with keys, fake ChirpStack latency ${FAKE_LATENCY_MS} ms per call`,
  );
  await run(16, Math.min(DEVICES, 1000)); // warm-up (JIT, channel), not reported
  const parallel = await run(16);
  const sequential = await run(1);
  for (const r of [parallel, sequential]) {
    console.log(
      `concurrency ${String(r.concurrency).padStart(2)}: plan ${ms(r.planMs)} (${r.planRpcs} RPCs), ` +
        `apply ${ms(r.applyMs)} (${r.applyRpcs.toLocaleString('en-US')} RPCs for ${r.changes.toLocaleString('en-US')} changes, ${r.errors} errors), ` +
        `re-plan ${ms(r.replanMs)}: ${r.replanChanges} changes in ${r.replanRpcs} RPCs`,
    );
  }
  console.log(`apply RPCs by method: ${JSON.stringify(parallel.applyCounts)}`);
  console.log(`re-plan RPCs by method: ${JSON.stringify(parallel.replanCounts)} (no per-device Get)`);
  const ratio = sequential.applyMs / parallel.applyMs;
  console.log(`apply speed-up, concurrency 16 vs sequential: ${ratio.toFixed(1)}× (goal ≥ 8×)`);
  console.log(`re-plan after apply: ${parallel.replanChanges} changes (must be 0)`);
  console.log(
    `then 100 renames + 50 rotated keys: ${parallel.smallChanges} changes, plan ${parallel.smallPlanRpcs} RPCs + ` +
      `apply ${parallel.smallApplyRpcs} RPCs (grows with the changes plus pagination)`,
  );
}
