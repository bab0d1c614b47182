import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEvent } from '@fieldops/contracts/events/v1';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { WhatsAppWindows } from '../../src/channels/whatsapp/window.js';
import { normalizeConfig } from '../../src/config.js';
import { AttemptRunner } from '../../src/delivery/attempt-timeout.js';
import { RateLimiter } from '../../src/delivery/rate-limiter.js';
import { buildPipeline, PIPELINE_ORDER, runStages } from '../../src/engine/pipeline.js';
import * as api from '../../src/index.js';
import { DEFAULT_SOURCES } from '../../src/sources/index.js';
import { DedupStage } from '../../src/stages/dedup.js';
import { DeliverStage } from '../../src/stages/deliver.js';
import { EscalateStage } from '../../src/stages/escalate.js';
import { type Flush, startFlush } from '../../src/stages/flush-state.js';
import { type Grouped, GroupStage } from '../../src/stages/group.js';
import { EventKeyLog, IngestStage } from '../../src/stages/ingest.js';
import { InhibitStage } from '../../src/stages/inhibit.js';
import { TimeIntervalMuter } from '../../src/stages/mute.js';
import { RouteStage, RouteTree } from '../../src/stages/route.js';
import { SilenceStage } from '../../src/stages/silence.js';
import type { Change } from '../../src/stages/stage.js';
import { MessageRenderer } from '../../src/templates/render.js';
import type { AlertRecord } from '../../src/types.js';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

// ARCHITECTURE.md §6 (notifications engine): "ingest events -> route -> group -> inhibit -> silence and
// quiet hours -> dedup -> escalate -> deliver"; time intervals are the quiet hours' general form.
const ARCHITECTURE_ORDER = [
  'ingest',
  'route',
  'group',
  'inhibit',
  'silence',
  'time_intervals',
  'dedup',
  'escalate',
  'deliver',
];

const config = normalizeConfig({
  route: { receiver: 'oncall', group_by: ['alertname', 'site'], group_wait: '30s', escalation: 'p' },
  receivers: [
    { name: 'oncall', contacts: [{ name: 'somchai', chain: [{ channel: 'email', to: 's@example.test' }] }] },
    { name: 'lead', contacts: [{ name: 'nok', chain: [{ channel: 'email', to: 'n@example.test' }] }] },
  ],
  escalation_policies: [{ name: 'p', levels: [{ delay: '10m', receivers: ['lead'] }] }],
  channels: { email: { host: '127.0.0.1', port: 2525, from: 'alerts@example.test' } },
});

/** Every stage on real state, as the engine builds them (no engine, no store). */
function parts() {
  let n = 0;
  const newId = (p: string) => `${p}_${++n}`;
  const events = new EventKeyLog();
  const alerts = new Map<string, AlertRecord>();
  const escalate = new EscalateStage(config.policies, () => 0.5, newId);
  const p = {
    ingest: new IngestStage({ sources: DEFAULT_SOURCES, events, alerts, ttl: 60_000, validate: true }),
    route: new RouteStage(new RouteTree(config.root)),
    group: new GroupStage(),
    inhibit: new InhibitStage(config.inhibit),
    silence: new SilenceStage(),
    time_intervals: new TimeIntervalMuter(config.timeIntervals),
    dedup: new DedupStage(),
    escalate,
    deliver: new DeliverStage({
      channels: {},
      renderer: new MessageRenderer(undefined),
      limiter: new RateLimiter(),
      windows: new WhatsAppWindows(),
      whatsapp: undefined,
      retry: config.retry,
      random: () => 0.5,
      redact: (t) => t,
      attempts: new AttemptRunner(config.attemptTimeout, { setTimeout, clearTimeout }),
      receivers: config.receivers,
      incident: (id) => escalate.get(id),
      newId,
    }),
  };
  return { parts: p, events, alerts };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const NOW = Date.parse('2026-11-27T03:00:00Z');
const offline = (eui: string) =>
  buildEvent(
    'io.fieldops.chirpstack.gateway.offline.v1',
    {
      gateway_eui: eui,
      site_id: 'site_000001' as never,
      state: 'offline',
      previous_state: 'online',
      last_seen_at: '2026-11-27T02:55:00Z',
    },
    { source: '/sites/site_000001/chirpstack', id: `evt-${eui}`, time: '2026-11-27T03:00:00Z' },
  );

describe('the pipeline', () => {
  it('is written once, in the order of ARCHITECTURE.md: input stages up to group, flush stages after', () => {
    expect([...PIPELINE_ORDER]).toEqual(ARCHITECTURE_ORDER);
    const pipeline = buildPipeline(parts().parts);
    expect(pipeline.onInput.map((s) => s.name)).toEqual(['ingest', 'route', 'group']);
    expect(pipeline.onFlush.map((s) => s.name)).toEqual([
      'inhibit',
      'silence',
      'time_intervals',
      'dedup',
      'escalate',
      'deliver',
    ]);
    expect(pipeline.muters.map((m) => m.reason)).toEqual(['inhibited', 'silenced', 'quiet']);
  });

  it('runs its stages only through the pipeline: no engine module calls a stage itself', () => {
    // A stage's `run(` is called by runStages (src/engine/pipeline.ts) and by decideFlush, the flush
    // decision over the real stages for tests (src/stages/flush-decision.ts); nowhere else in src/.
    // `this.run(` and `s.run(` are the engine's queue, not a stage.
    const callers: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? walk(join(dir, e.name))
          : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
            ? [join(dir, e.name)]
            : [],
      );
    for (const file of walk(SRC)) {
      const text = readFileSync(file, 'utf8');
      const calls = [...text.matchAll(/(\w+|\))\.run\(/g)].filter((m) => m[1] !== 'this' && m[1] !== 's');
      if (calls.length > 0) callers.push(relative(SRC, file));
    }
    expect(callers.sort()).toEqual(['engine/pipeline.ts', 'stages/flush-decision.ts']);
  });

  it('no stage module reaches into the store or the engine (imports, type-only ones included)', () => {
    const offenders: string[] = [];
    const stagesDir = join(SRC, 'stages');
    for (const name of readdirSync(stagesDir)) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      const info = ts.preProcessFile(readFileSync(join(stagesDir, name), 'utf8'), true, true);
      for (const f of info.importedFiles) {
        if (/^\.\.\/(store|engine|service)(\/|\.js$)/.test(f.fileName))
          offenders.push(`${name} -> ${f.fileName}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('each stage decides from frozen input without changing its own state; the engine applies the changes', () => {
    const { parts: p, events, alerts } = parts();
    const pipeline = buildPipeline(p);
    const applied: Change[] = [];
    // The engine's side of the contract, reduced to the state these stages read.
    const apply = (changes: readonly Change[]) => {
      for (const c of changes) {
        applied.push(c);
        if (c.op === 'put' && c.collection === 'alerts') alerts.set(c.key, c.doc as AlertRecord);
        if (c.op === 'put' && c.collection === 'events') {
          const e = c.doc as { key: string; expires_at: number };
          events.add(e.key, e.expires_at);
        }
        if (c.op === 'carry') events.carry(c.key, c.expires_at);
        if (c.op === 'put' && c.collection === 'groups') p.group.upsert(c.doc as never);
        if (c.op === 'join') p.group.join(c.group, c.fingerprint);
        if (c.op === 'put' && c.collection === 'nflog') p.dedup.record(c.doc as never);
        if (c.op === 'put' && c.collection === 'incidents') p.escalate.restore(c.doc as never);
      }
    };
    // Each stage alone: frozen input (a stage writing to it throws), its state unchanged by `run`.
    const input = deepFreeze(offline('0016c001ff10a001'));
    const ingested = p.ingest.run(input, NOW);
    expect(alerts.size).toBe(0);
    expect(events.size).toBe(0);
    // One document: the alert's, which carries the event key (no `events` document of its own).
    expect(ingested.changes.map((c) => (c.op === 'put' ? c.collection : c.op))).toEqual(['alerts', 'carry']);
    const routed = p.route.run(deepFreeze(ingested.next!));
    expect(routed.changes).toEqual([]);
    const grouped = p.group.run(deepFreeze(routed.next!), NOW);
    expect(p.group.size).toBe(0);
    expect(grouped.changes.map((c) => c.op)).toEqual(['put', 'schedule', 'join']);

    // Through the pipeline: the same input again is a duplicate once its key was applied.
    const first = runStages<Grouped>(pipeline.onInput, input, NOW, apply);
    expect(first.next?.groups).toHaveLength(1);
    expect(runStages(pipeline.onInput, input, NOW, apply)).toEqual({ stop: { kind: 'duplicate' } });
    const key = first.next!.groups[0]!;
    const group = p.group.get(key)!;
    expect(group.fingerprints).toEqual([first.next!.record.fingerprint]);

    const flush = deepFreeze(
      startFlush(structuredClone(group), config.root, [alerts.get(group.fingerprints[0]!)!]),
    );
    const nflogBefore = p.dedup.size;
    const afterMute = pipeline.onFlush
      .slice(0, 3)
      .reduce<Flush>((f, s) => s.run(f, NOW).next as Flush, flush);
    const deduped = p.dedup.run(afterMute, NOW);
    expect(p.dedup.size).toBe(nflogBefore);
    expect(deduped.changes.map((c) => c.op === 'put' && c.collection)).toEqual(['nflog']);
    const escalated = p.escalate.run(deepFreeze(deduped.next!), NOW);
    expect([...p.escalate.all()]).toHaveLength(0);
    expect(escalated.changes.map((c) => (c.op === 'put' ? c.collection : c.op))).toEqual([
      'alerts',
      'incidents',
      'schedule',
    ]);
    const delivered = p.deliver.run(deepFreeze(escalated.next!), NOW);
    expect(delivered.changes.map((c) => (c.op === 'put' ? c.collection : c.op))).toEqual([
      'deliveries',
      'schedule',
    ]);
    const job = (delivered.changes[0] as { doc: { notification: { ack_code?: string } } }).doc;
    // The page carries the code of the incident the escalate stage just opened.
    expect(job.notification.ack_code).toBe(escalated.next!.incident!.ack_code);

    // The whole flush through the pipeline: applied, a second flush right after tells nobody again.
    const run = runStages<Flush>(pipeline.onFlush, flush, NOW, apply);
    expect(run.next?.nflog).toBeDefined();
    const again = runStages<Flush>(
      pipeline.onFlush,
      startFlush(group, config.root, [alerts.get(group.fingerprints[0]!)!]),
      NOW + 60_000,
      apply,
    );
    expect(again.next?.nflog).toBeUndefined();
    expect(applied.filter((c) => c.op === 'put' && c.collection === 'deliveries')).toHaveLength(1);
  });

  it('the package entry exports what users configure and wire, no stage and no engine internals', () => {
    const names = Object.keys(api);
    expect(names.filter((n) => /Stage$|^run|Pipeline|^apply/.test(n))).toEqual([]);
    const entry = ts.preProcessFile(readFileSync(join(SRC, 'index.ts'), 'utf8'), true, true);
    const internal = entry.importedFiles
      .map((f) => f.fileName)
      .filter((f) => /^\.\/(stages|store\/group-commit|engine\/(?!lease))/.test(f));
    expect(internal).toEqual([]);
  });
});
