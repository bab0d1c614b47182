import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as automation from '@fieldops/contracts/automation/v1';
import { type Tracer, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  type ActionHandler,
  AutomationError,
  type AutomationRegistry,
  buildBackoffMs,
  runSpec,
} from '../../src/automation/index.js';
import { createEnvProvider, createSecretResolver } from '../../src/secrets/index.js';
import { buildSpec, CANARY, captureLogger, readTree, steppingClock } from './helpers.js';

const check = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  kind: 'run_health_checks',
  checks: [{ type: 'tcp', host: '127.0.0.1', port: 1 }],
  ...extra,
});
const ticket = { id: 'ticket', kind: 'open_ticket_on_failure', severity: 'high' };

function scripted(script: Record<string, (attempt: number, signal: AbortSignal) => Promise<unknown>>) {
  const calls: string[] = [];
  const handler: ActionHandler<'run_health_checks'> = {
    async run(_a, ctx) {
      calls.push(`${ctx.stepId}#${ctx.attempt}`);
      const f = script[ctx.stepId];
      const out = f ? await f(ctx.attempt, ctx.signal) : undefined;
      return (out ?? { outputs: { ok: true } }) as never;
    },
    describe: (a) => [`would check ${a.checks.length} thing(s)`],
  };
  return { handler, calls };
}

function fakeRegistry() {
  const calls: { op: string; key: string | undefined; body: unknown }[] = [];
  const registry: AutomationRegistry = {
    async createAutomationRun(run, o) {
      calls.push({ op: 'create', key: o?.idempotencyKey, body: structuredClone(run) });
      return run;
    },
    async updateAutomationRun(id, update, o) {
      calls.push({ op: `update ${id}`, key: o?.idempotencyKey, body: structuredClone(update) });
      return {} as automation.RunRecord;
    },
    async createTicket(t, o) {
      calls.push({ op: 'ticket', key: o?.idempotencyKey, body: t });
      return {
        ticket_id: 'T-1',
        status: 'open',
        created_at: '2026-11-27T10:00:00Z',
        title: t.title,
        severity: t.severity,
        url: 'https://crm.test/t/T-1',
      };
    },
  };
  return { registry, calls };
}

describe('runSpec', () => {
  it('rejects an invalid spec with the contract error, before doing anything', async () => {
    await expect(runSpec({ spec_version: 2 })).rejects.toMatchObject({ code: 'spec_invalid' });
    const bad = buildSpec([check('a'), check('a')]);
    await expect(runSpec(bad)).rejects.toThrow('actions[1].id: duplicate step id a (also actions[0])');
  });

  it('runs steps in order and keeps a per-run and per-step timeline', async () => {
    const { handler, calls } = scripted({});
    const r = await runSpec(buildSpec([check('a'), check('b'), ticket]), {
      handlers: { run_health_checks: handler },
      now: steppingClock(),
      runId: 'run_test0001',
    });
    expect(r.status).toBe('succeeded');
    expect(calls).toEqual(['a#1', 'b#1']);
    expect(r.record.steps.map((s) => [s.step_id, s.status, s.attempts])).toEqual([
      ['a', 'succeeded', 1],
      ['b', 'succeeded', 1],
      ['ticket', 'skipped', 0],
    ]);
    const tl = r.record.timeline.map((e) => `${e.step_id ?? 'run'}:${e.status}`);
    expect(tl).toEqual([
      'run:queued',
      'a:queued',
      'b:queued',
      'ticket:queued',
      'run:running',
      'a:running',
      'a:succeeded',
      'b:running',
      'b:succeeded',
      'ticket:skipped',
      'run:succeeded',
    ]);
    expect(r.record).toMatchObject({
      started_at: '2026-11-27T10:00:01.000Z',
      automation_run_id: 'run_test0001',
    });
    expect(r.record.duration_ms).toBeGreaterThan(0);
  });

  it("reads time from core's Clock (issue 12: one way to pass time); the deprecated `now` is ignored beside it", async () => {
    const { handler } = scripted({});
    let t = Date.parse('2026-12-01T03:00:00.000Z');
    const clock = { now: () => (t += 250) };
    const r = await runSpec(buildSpec([check('a')]), {
      handlers: { run_health_checks: handler },
      clock,
      now: () => new Date('1999-01-01T00:00:00.000Z'),
      runId: 'run_test0002',
    });
    expect(r.record.queued_at).toBe('2026-12-01T03:00:00.250Z');
    expect(r.record.started_at).toBe('2026-12-01T03:00:00.500Z');
    expect(r.record.timeline.every((e) => e.at.startsWith('2026-12-01T03:00:0'))).toBe(true);
    // queued, started, step a running + succeeded, finished: every stamp is one clock read of 250 ms.
    expect(r.record.steps[0]?.duration_ms).toBe(250);
    expect(r.record.duration_ms).toBe(Date.parse(r.record.finished_at!) - Date.parse(r.record.started_at!));
  });

  it('retries with the backoff of the policy, then fails; skips later steps; runs the ticket step', async () => {
    const waits: number[] = [];
    const { handler, calls } = scripted({
      b: async (attempt) => {
        throw new AutomationError('health_check_failed', `still down (attempt ${attempt})`);
      },
    });
    const { registry, calls: reg } = fakeRegistry();
    const r = await runSpec(
      buildSpec([
        check('a'),
        check('b', { retry: { max_attempts: 3, backoff_s: 10, max_backoff_s: 15 } }),
        check('c'),
        ticket,
      ]),
      {
        handlers: { run_health_checks: handler },
        registry,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    expect(r.status).toBe('failed');
    expect(calls).toEqual(['a#1', 'b#1', 'b#2', 'b#3']);
    expect(waits).toEqual([10_000, 15_000]);
    expect(r.record.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped', 'succeeded']);
    expect(r.record.steps[1]?.error).toEqual({
      code: 'health_check_failed',
      message: '@fieldops/sdk/automation: still down (attempt 3)',
    });
    expect(r.record.steps[2]?.message).toBe('skipped: step b failed');
    expect(r.record.ticket_id).toBe('T-1');
    expect(r.record.links).toContainEqual({
      rel: 'ticket',
      href: 'https://crm.test/t/T-1',
      title: 'Ticket T-1',
      step_id: 'ticket',
    });
    const t = reg.find((c) => c.op === 'ticket');
    expect(t?.key).toBe(`${r.record.automation_run_id}:ticket:ticket`);
    expect(t?.body).toMatchObject({
      severity: 'high',
      deployment_id: 'dep_01jd8y3k2m0000000000000001',
      automation_run_id: r.record.automation_run_id,
    });
  });

  it('does not retry an error marked not retryable', async () => {
    const { handler, calls } = scripted({
      a: async () => {
        throw new AutomationError('handler_failed', 'bad input', { retryable: false });
      },
    });
    const r = await runSpec(buildSpec([check('a', { retry: { max_attempts: 5 } })]), {
      handlers: { run_health_checks: handler },
      sleep: async () => {},
    });
    expect(calls).toEqual(['a#1']);
    expect(r.status).toBe('failed');
  });

  it('continue_on_error: the run goes on and succeeds, no ticket', async () => {
    const { handler, calls } = scripted({
      a: async () => {
        throw new Error('flaky');
      },
    });
    const r = await runSpec(buildSpec([check('a', { continue_on_error: true }), check('b'), ticket]), {
      handlers: { run_health_checks: handler },
    });
    expect(calls).toEqual(['a#1', 'b#1']);
    expect(r.status).toBe('succeeded');
    expect(r.record.steps.map((s) => s.status)).toEqual(['failed', 'succeeded', 'skipped']);
  });

  it('times a step out after timeout_s and aborts its signal', async () => {
    let aborted: unknown;
    const { handler } = scripted({
      a: (_attempt, signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            aborted = signal.reason;
            reject(signal.reason);
          });
        }),
    });
    const r = await runSpec(buildSpec([check('a', { timeout_s: 0.05 })]), {
      handlers: { run_health_checks: handler },
    });
    expect(r.record.steps[0]?.error).toEqual({
      code: 'step_timeout',
      message: '@fieldops/sdk/automation: step a timed out after 50 ms',
    });
    expect(aborted).toBeInstanceOf(AutomationError);
  });

  it('gives up on a handler that ignores its signal, at the timeout', async () => {
    const { handler } = scripted({ a: () => new Promise(() => {}) });
    const r = await runSpec(buildSpec([check('a', { timeout_s: 0.05 })]), {
      handlers: { run_health_checks: handler },
    });
    expect(r.record.steps[0]?.status).toBe('failed');
  });

  it('cancels through the AbortSignal: current step cancelled, later ones cancelled, cancelled event', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const { handler, calls } = scripted({
      b: (_attempt, signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
          controller.abort();
        }),
    });
    const r = await runSpec(buildSpec([check('a'), check('b'), check('c'), ticket]), {
      handlers: { run_health_checks: handler },
      signal: controller.signal,
      events: { emit: (e) => void events.push(e.type) },
    });
    expect(calls).toEqual(['a#1', 'b#1']);
    expect(r.status).toBe('cancelled');
    expect(r.record.steps.map((s) => s.status)).toEqual(['succeeded', 'cancelled', 'cancelled', 'cancelled']);
    expect(events).toEqual([
      'io.fieldops.automation.run.started.v1',
      'io.fieldops.automation.run.cancelled.v1',
    ]);
  });

  it('emits started and failed events with the contract shape and stable ids', async () => {
    const events: { type: string; id: string; data: Record<string, unknown>; source: string }[] = [];
    const { handler } = scripted({
      a: async () => {
        throw new Error('nope');
      },
    });
    const r = await runSpec(buildSpec([check('a')]), {
      handlers: { run_health_checks: handler },
      events: { emit: (e) => void events.push(e as never) },
      eventSource: '/sites/site_01jd8y3k2m0000000000000001/automation',
    });
    const { EventSchemas } = await import('@fieldops/contracts/events/v1');
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['io.fieldops.automation.run.started.v1', `${r.record.automation_run_id}.started`],
      ['io.fieldops.automation.run.failed.v1', `${r.record.automation_run_id}.failed`],
    ]);
    for (const e of events)
      expect(EventSchemas[e.type as 'io.fieldops.automation.run.failed.v1'].safeParse(e).success).toBe(true);
    expect(events[1]?.data).toMatchObject({ status: 'failed', failed_step: 'a', project: 'site-test-01' });
  });

  it('writes back as it goes: create, then ordered PATCHes with one idempotency key each; the registry sees the final state', async () => {
    const { registry, calls } = fakeRegistry();
    const { handler } = scripted({});
    const r = await runSpec(buildSpec([check('a'), check('b')]), {
      handlers: { run_health_checks: handler },
      registry,
    });
    expect(calls[0]).toMatchObject({
      op: 'create',
      key: `${r.record.automation_run_id}:create`,
      body: { status: 'queued' },
    });
    const updates = calls.slice(1);
    expect(updates.every((c) => c.op === `update ${r.record.automation_run_id}`)).toBe(true);
    expect(updates.map((c) => c.key)).toEqual(
      updates.map((_, i) => `${r.record.automation_run_id}:${i + 1}`),
    );
    // Replaying every PATCH onto the create gives the final record.
    const replay = structuredClone(calls[0]!.body) as automation.RunRecord;
    for (const { body } of updates) {
      const u = body as automation.RunUpdate;
      Object.assign(replay, {
        ...u,
        timeline: replay.timeline.concat(u.timeline ?? []),
        steps: replay.steps,
        links: replay.links.concat(u.links ?? []),
      });
      for (const s of u.steps ?? [])
        replay.steps = replay.steps.map((x) => (x.step_id === s.step_id ? s : x));
    }
    expect(replay).toEqual(r.record);
    expect(r.writeBack).toEqual({ calls: calls.length, failures: 0 });
  });

  it('keeps deploying when the registry is down, and says so', async () => {
    const { handler } = scripted({});
    const down: AutomationRegistry = {
      createAutomationRun: async () => {
        throw new Error('ECONNREFUSED');
      },
      updateAutomationRun: async () => {
        throw new Error('ECONNREFUSED');
      },
      createTicket: async () => {
        throw new Error('ECONNREFUSED');
      },
    };
    const r = await runSpec(buildSpec([check('a')]), {
      handlers: { run_health_checks: handler },
      registry: down,
    });
    expect(r.status).toBe('succeeded');
    expect(r.writeBack.failures).toBe(2); // the create, and the final create retry; updates wait for a create
  });

  it('a dry run prints the plan and calls no handler', async () => {
    const { handler, calls } = scripted({});
    const printed: string[] = [];
    const r = await runSpec(buildSpec([check('a'), check('b')]), {
      handlers: { run_health_checks: handler },
      dryRun: true,
      print: (l) => printed.push(l),
    });
    expect(calls).toEqual([]);
    expect(r.record.dry_run).toBe(true);
    expect(printed).toEqual([
      'Dry run of dep_01jd8y3k2m0000000000000001 (2 step(s), project site-test-01):',
      '[1/2] a (run_health_checks)',
      '    would check 1 thing(s)',
      '[2/2] b (run_health_checks)',
      '    would check 1 thing(s)',
    ]);
  });

  it('fails a step whose kind has no handler', async () => {
    // A kind explicitly mapped to undefined has no handler (the default is not used).
    const r = await runSpec(buildSpec([check('a')]), { handlers: { run_health_checks: undefined } });
    expect(r.record.steps[0]?.error).toEqual({
      code: 'no_handler',
      message: '@fieldops/sdk/automation: no handler for action kind run_health_checks (step a)',
    });
  });

  it('computes capped exponential backoff', () => {
    expect(
      [1, 2, 3, 4, 5].map((n) => buildBackoffMs({ max_attempts: 6, backoff_s: 1, max_backoff_s: 5 }, n)),
    ).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(buildBackoffMs({ max_attempts: 2 }, 1)).toBe(0);
    expect(buildBackoffMs({ max_attempts: 9, backoff_s: 2 }, 8)).toBe(20_000);
  });
});

describe('runSpec and secrets', () => {
  it('redacts a resolved secret a handler echoes in an error, a log line, a field or an output', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fieldops-kb-'));
    const secrets = createSecretResolver({ providers: [createEnvProvider({ env: { TOKEN: CANARY } })] });
    const { lines, logger } = captureLogger();
    const leaky: ActionHandler<'run_health_checks'> = {
      async run(_a, ctx) {
        const token = await ctx.secrets.resolve('env:TOKEN');
        ctx.log.info(`using ${token.reveal()}`, { header: `Bearer ${token.reveal()}`, token });
        ctx.log.output('stderr', `curl: (22) 401 for token=${token.reveal()}\n`);
        ctx.snapshot({ name: 'leaky', format: 'json', content: { url: `https://x/?k=${token.reveal()}` } });
        if (ctx.stepId === 'a')
          return {
            outputs: { echoed: token.reveal(), secret: token as never },
            message: `ok ${token.reveal()}`,
          };
        throw new Error(`tool failed with ${token.reveal()}`);
      },
    };
    const r = await runSpec(buildSpec([check('a'), check('b'), ticket]), {
      handlers: { run_health_checks: leaky },
      secrets,
      logger,
      kb: { root },
      registry: fakeRegistry().registry,
    });
    expect(r.status).toBe('failed');
    expect(r.record.steps[0]?.outputs).toEqual({ echoed: '[redacted]', secret: '[redacted]' });
    expect(r.record.steps[1]?.message).toBe('tool failed with [redacted]');
    const files = await readTree(root);
    expect(files.size).toBeGreaterThan(4);
    for (const [name, text] of [
      ...files,
      ...lines.map((l, i) => [`log ${i}`, l] as const),
      ['record', JSON.stringify(r.record)] as const,
    ]) {
      expect(text.includes(CANARY), name).toBe(false);
    }
    expect([...files.values()].join('\n')).toContain('curl: (22) 401 for token=[redacted]');
  });

  it('renders the postmortem from a caller template', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fieldops-kb-'));
    const { handler } = scripted({
      a: async () => {
        throw new Error('down');
      },
    });
    const r = await runSpec(buildSpec([check('a')]), {
      handlers: { run_health_checks: handler },
      kb: {
        root,
        postmortemTemplate: '# {{title}}\n\nFailed: {{failedStep.step_id}} ({{failedStep.error.code}})\n',
      },
    });
    const text = await readFile(join(r.bundleDir!, 'postmortem.md'), 'utf8');
    expect(text.split('---\n\n')[1]).toBe(
      `# Run ${r.record.automation_run_id} failed at a\n\nFailed: a (error)\n`,
    );
  });
});

describe('runSpec tracing', () => {
  it('opens a run span and a child span per attempt; the trace id goes into the record and the events', async () => {
    const spans: {
      name: string;
      parent: unknown;
      ended: boolean;
      status?: unknown;
      attributes: Record<string, unknown>;
      self: unknown;
    }[] = [];
    let n = 0;
    const tracer = {
      startSpan(name: string, opts: { attributes?: Record<string, unknown> }, ctx?: unknown) {
        n += 1;
        const rec: (typeof spans)[number] = {
          name,
          parent: ctx ? trace.getSpan(ctx as never) : undefined,
          ended: false,
          attributes: { ...opts.attributes },
          self: undefined,
        };
        const span = {
          spanContext: () => ({
            traceId: 'c'.repeat(32),
            spanId: n.toString(16).padStart(16, '0'),
            traceFlags: 1,
          }),
          setAttribute: (k: string, v: unknown) => {
            rec.attributes[k] = v;
            return span;
          },
          setStatus: (st: unknown) => {
            rec.status = st;
            return span;
          },
          end: () => {
            rec.ended = true;
          },
          isRecording: () => true,
        };
        rec.self = span;
        spans.push(rec);
        return span;
      },
    } as unknown as Tracer;
    const events: { traceparent?: string }[] = [];
    const { handler } = scripted({
      b: async (attempt) => {
        if (attempt === 1) throw new Error('first try fails');
      },
    });
    const r = await runSpec(buildSpec([check('a'), check('b', { retry: { max_attempts: 2 } })]), {
      handlers: { run_health_checks: handler },
      tracer,
      sleep: async () => {},
      events: { emit: (e) => void events.push(e) },
    });
    expect(r.record.trace_id).toBe('c'.repeat(32));
    expect(events.map((e) => e.traceparent)).toEqual([
      `00-${'c'.repeat(32)}-0000000000000001-01`,
      `00-${'c'.repeat(32)}-0000000000000001-01`,
    ]);
    expect(spans.map((s) => [s.name, s.ended, s.parent === spans[0]?.self])).toEqual([
      ['fieldops.automation run', true, false],
      ['fieldops.automation step a', true, true],
      ['fieldops.automation step b', true, true],
      ['fieldops.automation step b', true, true],
    ]);
    expect(spans[2]?.status).toEqual({ code: 2, message: 'error' });
    expect(spans[3]?.attributes['fieldops.attempt']).toBe(2);
    expect(spans[0]?.attributes['fieldops.status']).toBe('succeeded');
  });
});

describe('a handler that never settles', () => {
  it('still ends the run at the step timeout, in a process with nothing else to do', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(__dirname, '__fixtures__/hanging-handler.ts')],
      {
        cwd: join(__dirname, '../../../..'),
        encoding: 'utf8',
      },
    );
    expect(out).toBe('failed step_timeout\n');
  });
});

describe('step outputs', () => {
  it('are stored as JSON whatever the handler returns', async () => {
    const odd: ActionHandler<'run_health_checks'> = {
      run: async (_a, ctx) => ({
        outputs: (ctx.stepId === 'a'
          ? { at: new Date('2026-11-27T10:00:00Z'), gone: undefined, n: 1 }
          : ['x']) as never,
      }),
    };
    const root = await mkdtemp(join(tmpdir(), 'fieldops-kb-'));
    const r = await runSpec(buildSpec([check('a'), check('b')]), {
      handlers: { run_health_checks: odd },
      kb: { root },
    });
    expect(r.status).toBe('succeeded');
    expect(r.record.steps.map((s) => s.outputs)).toEqual([
      { at: '2026-11-27T10:00:00.000Z', n: 1 },
      { value: ['x'] },
    ]);
  });
});
