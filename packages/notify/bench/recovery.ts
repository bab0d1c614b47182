// Benchmark 4 (issue 14 item 9): restart recovery with N pending escalations (goal ≤ 5 s at 100,000)
// on the memory store, PGlite and Postgres, and the heap each pending escalation costs once recovered.
// The state is made by the engine itself (N gateways offline, each its own group, flushed: N open
// incidents whose first escalation level is due in 30 minutes), then written into each store and a new
// engine is started on it: `engine.start()` is what a restarted process waits for before it is ready.
// The first pages' delivery jobs are left out of the state, as if they had been sent (a sent job is
// deleted): the bench measures pending escalations, not a backlog of sends.
import type { CloudEvent } from '@fieldops/contracts/events/v1';
import type { Channel } from '../src/channels/channel.js';
import type { NotifyConfig } from '../src/config.js';
import { createNotifyEngine, type NotifyEngine } from '../src/engine.js';
import { MemoryNotifyStore } from '../src/store/memory-store.js';
import { STORE_COLLECTIONS, type StoreWrite } from '../src/store/store.js';
import type { TimerApi } from '../src/types.js';
import { benchStoreKinds } from './store-kinds.js';

const T0 = Date.parse('2026-11-27T03:00:00Z');

/** Every gateway its own group and incident; two escalation levels, the first due after 30 minutes. */
export const recoveryConfig: NotifyConfig = {
  route: {
    receiver: 'oncall',
    group_by: ['gateway_eui'],
    group_wait: '10s',
    escalation: 'two-levels',
  },
  escalation_policies: [
    {
      name: 'two-levels',
      levels: [
        { delay: '30m', receivers: ['lead'] },
        { delay: '30m', receivers: ['manager'] },
      ],
    },
  ],
  receivers: ['oncall', 'lead', 'manager'].map((name, i) => ({
    name,
    contacts: [{ name, chain: [{ channel: 'whatsapp' as const, to: `+6681111111${i}` }] }],
  })),
  channels: {
    whatsapp: { phone_number_id: '1', token: { value: 'x' }, template: { name: 't', language: 'en' } },
  },
  max_alerts: 1_000_000,
};

export const recoveryChannel: Channel = { kind: 'whatsapp', send: async () => ({ ok: true }) };

/** Timers the bench fires by hand: the scheduler keeps one timer armed at a time. */
export function manualTimers(): TimerApi & { fire(): (() => void) | undefined } {
  let armed: { fn: () => void; ms: number } | undefined;
  return {
    setTimeout: (fn, ms) => {
      armed = { fn, ms: ms ?? 0 };
      return 1;
    },
    clearTimeout: () => {
      armed = undefined;
    },
    /** The armed callback when it is due within a minute (nothing later is fired). */
    fire() {
      const a = armed;
      if (!a || a.ms > 60_000) return undefined;
      armed = undefined;
      return a.fn;
    },
  };
}

/** Runs the engine until N escalations are pending; returns every stored document as JSON text. */
export async function pendingState(events: readonly CloudEvent[]): Promise<StoreWrite[]> {
  let now = T0;
  const timers = manualTimers();
  const store = new MemoryNotifyStore({ copy: false });
  const engine = createNotifyEngine({
    config: recoveryConfig,
    store,
    clock: { now: () => now },
    timers,
    channels: { whatsapp: recoveryChannel },
  });
  await engine.start();
  for (let i = 0; i < events.length; i += 1_000) await engine.ingestBatch(events.slice(i, i + 1_000));
  now += 15_000;
  // The group flushes (the first pages' deliveries are due next; they are not run).
  timers.fire()?.();
  await engine.settle();
  const pending = engine.inspect().incidents.filter((i) => i.status === 'open' && i.next_at !== undefined);
  if (pending.length !== events.length)
    throw new Error(`recovery bench: expected ${events.length} pending escalations, got ${pending.length}`);
  await engine.stop();
  const out: StoreWrite[] = [];
  for (const collection of STORE_COLLECTIONS.filter((c) => c !== 'deliveries'))
    for (const [key, value] of store.entries(collection))
      out.push({ collection, key, value: JSON.stringify(value) });
  return out;
}

/** Runs the recovery benchmark and prints the restart time and heap per pending escalation. */
export async function benchRecovery(events: readonly CloudEvent[], heap: () => number): Promise<void> {
  const n = events.length;
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const t0 = performance.now();
  const docs = await pendingState(events);
  const tMake = performance.now() - t0;
  const { kinds, skipped } = benchStoreKinds();
  const rows: { name: string; ms: number; cpuMs: number; bytes: number; recovered: number }[] = [];
  for (const kind of kinds) {
    const { store, close } = await kind.open();
    for (let i = 0; i < docs.length; i += 10_000) await store.write(docs.slice(i, i + 10_000));
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    let engine: NotifyEngine | undefined = createNotifyEngine({
      config: recoveryConfig,
      store,
      clock: { now: () => T0 + 20_000 },
      timers: manualTimers(),
      channels: { whatsapp: recoveryChannel },
    });
    await engine.start();
    const ms = performance.now() - t1;
    const cpu = process.cpuUsage(c1);
    const recovered = engine
      .inspect()
      .incidents.filter((i) => i.status === 'open' && i.next_at !== undefined).length;
    // The engine's heap: with it vs after it is stopped and dropped (the store stays open, so what the
    // store or its driver holds is not counted).
    const h1 = heap();
    await engine.stop();
    engine = undefined;
    const bytes = h1 - heap();
    await close();
    rows.push({ name: kind.name, ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes, recovered });
  }
  console.log(
    `4.  restart recovery with ${fmt(n)} pending escalations (${fmt(docs.length)} documents; state made by the engine in ${fmt(tMake)} ms)`,
  );
  if (skipped) console.log(`    Postgres skipped: ${skipped}`);
  const mem = rows.find((r) => r.name === 'memory')!;
  for (const r of rows) {
    console.log(
      `    ${r.name.padEnd(9)} engine.start() ${fmt(r.ms).padStart(6)} ms, ${fmt(r.cpuMs)} ms CPU in this process (goal ≤ 5,000 ms: ${r.ms <= 5_000 ? 'met' : 'NOT met'}), ${fmt(r.recovered)} escalations re-armed; heap ${(r.bytes / 1024 / 1024).toFixed(1)} MB = ${fmt(r.bytes / n)} B per pending escalation (its alert, group, incident, log entry, event key); vs memory ${(r.ms / mem.ms).toFixed(2)}×`,
    );
  }
  console.log('');
}
