// Synthetic run bundles and their plain-Markdown equivalents for the KB benchmark. Deterministic:
// the same N gives the same files.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ESC = '\u001b';
const KINDS = [
  'provision_vm',
  'deploy_compose_stack',
  'configure_gateway',
  'run_health_checks',
  'open_ticket_on_failure',
];
const STEP_IDS = ['provision-vm', 'deploy-stack', 'configure-gw', 'health', 'ticket'];

/** One synthetic run, described once and written in both forms. */
interface SyntheticRun {
  project: string;
  date: string;
  id: string;
  deployment: string;
  failed: boolean;
  start: Date;
  title: string;
  logs: { name: string; step: string; lines: { ts: string; level: string; msg: string }[] }[];
  snapshot: Record<string, unknown>;
  postmortem?: string;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const iso = (d: Date) => d.toISOString();
const strip = (s: string) =>
  s
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');

function makeRun(i: number): SyntheticRun {
  const project = `site-${pad(i % 5, 2)}`;
  const day = 1 + (i % 28);
  const date = `2026-10-${pad(day, 2)}`;
  const start = new Date(Date.UTC(2026, 9, day, 8 + (i % 10), i % 60, 0));
  const failed = i % 5 === 3;
  const deployment = `dep_bench${pad(i % 50, 4)}`;
  const logs = STEP_IDS.slice(0, 4)
    .slice(0, 2)
    .map((step, k) => ({
      name: step,
      step,
      lines: Array.from({ length: 30 }, (_, j) => {
        const bad = failed && k === 1 && j > 26;
        return {
          ts: iso(new Date(start.getTime() + (k * 30 + j) * 250)),
          level: bad ? 'error' : j % 10 === 9 ? 'warn' : 'info',
          msg: bad
            ? `${ESC}[31mFAIL${ESC}[0m udp 10.${i % 250}.3.11:1700 no reply within 5000 ms`
            : `${ESC}[36m${step}${ESC}[0m line ${j}: container ${ESC}[32mstarted${ESC}[0m in ${(j * 37) % 900} ms`,
        };
      }),
    }));
  const run: SyntheticRun = {
    project,
    date,
    id: `run_bench${pad(i, 6)}`,
    deployment,
    failed,
    start,
    title: `Deploy stack ${i} at ${project}`,
    logs,
    snapshot: {
      stack: 'chirpstack',
      version: `4.${18 + (i % 2)}.${i % 3}`,
      env: {
        CHIRPSTACK_REGION: 'as923_2',
        MQTT_PORT: String(1883 + (i % 3)),
        POSTGRES_PASSWORD: '[redacted]',
      },
      services: ['chirpstack', 'gateway-bridge', 'postgres', 'redis', 'mosquitto'],
    },
  };
  if (failed) {
    run.postmortem = [
      `The health checks of run ${run.id} failed: the gateway bridge did not answer on UDP 1700.`,
      '',
      '## Cause',
      '',
      'The firewall template only opened TCP ports, so the packet forwarder traffic was dropped.',
      '',
      '## Action items',
      '',
      '- Add UDP 1700 to the firewall template',
      '- Add a UDP check to the smoke test',
    ].join('\n');
  }
  return run;
}

interface SyntheticStep {
  step_id: string;
  kind: string;
  status: string;
  attempts: number;
  started_at?: string;
  finished_at?: string;
  duration_ms?: number;
  message?: string;
  error?: { code: string; message: string };
}

function runRecord(r: SyntheticRun) {
  let t = r.start.getTime() + 1000;
  const steps = STEP_IDS.map((id, k): SyntheticStep => {
    const status = r.failed
      ? k < 3
        ? 'succeeded'
        : k === 3
          ? 'failed'
          : 'succeeded'
      : k === 4
        ? 'skipped'
        : 'succeeded';
    if (status === 'skipped') return { step_id: id, kind: KINDS[k] as string, status, attempts: 0 };
    const started = t;
    t += 5000 + k * 7000;
    return {
      step_id: id,
      kind: KINDS[k] as string,
      status,
      attempts: 1,
      started_at: iso(new Date(started)),
      finished_at: iso(new Date(t)),
      duration_ms: t - started,
      ...(status === 'failed'
        ? {
            message: 'gateway bridge did not answer',
            error: { code: 'health_check_failed', message: 'udp 1700: no reply' },
          }
        : {}),
    };
  });
  const timeline = [
    { at: iso(r.start), status: 'queued' },
    { at: iso(new Date(r.start.getTime() + 1000)), status: 'running' },
    ...steps.flatMap((s) =>
      s.started_at
        ? [
            { at: s.started_at, status: 'running', step_id: s.step_id },
            { at: s.finished_at, status: s.status, step_id: s.step_id },
          ]
        : [{ at: iso(new Date(t)), status: s.status, step_id: s.step_id }],
    ),
    { at: iso(new Date(t)), status: r.failed ? 'failed' : 'succeeded' },
  ];
  return {
    automation_run_id: r.id,
    spec_version: 1,
    deployment_id: r.deployment,
    project: r.project,
    status: r.failed ? 'failed' : 'succeeded',
    queued_at: iso(r.start),
    started_at: iso(new Date(r.start.getTime() + 1000)),
    finished_at: iso(new Date(t)),
    duration_ms: t - r.start.getTime() - 1000,
    timeline,
    steps,
    links: [],
  };
}

/** Writes N run bundles under `<kbRoot>/projects/…` (bundles `from`…`from + n - 1`), 32 at a time. */
export async function writeBundles(kbRoot: string, n: number, from = 0): Promise<void> {
  const ids = Array.from({ length: n }, (_, k) => from + k);
  for (let k = 0; k < ids.length; k += 32) {
    await Promise.all(ids.slice(k, k + 32).map((i) => writeBundle(kbRoot, i)));
  }
}

/** Writes synthetic bundle number `i`; returns its directory. */
export async function writeBundle(kbRoot: string, i: number): Promise<string> {
  {
    const r = makeRun(i);
    const dir = path.join(kbRoot, 'projects', r.project, 'runs', r.date, r.id);
    await mkdir(path.join(dir, 'logs'), { recursive: true });
    await mkdir(path.join(dir, 'snapshots'), { recursive: true });
    for (const log of r.logs) {
      await writeFile(
        path.join(dir, 'logs', `${log.name}.ndjson`),
        `${log.lines.map((l) => JSON.stringify({ ...l, step_id: log.step })).join('\n')}\n`,
      );
    }
    await writeFile(
      path.join(dir, 'snapshots', 'stack-env.json'),
      JSON.stringify({
        snapshot_version: 1,
        name: 'stack-env',
        taken_at: iso(r.start),
        format: 'json',
        content: r.snapshot,
        redactions: [{ path: 'env.POSTGRES_PASSWORD', reason: 'key_name' }],
      }),
    );
    const bundle: Record<string, unknown> = {
      bundle_version: 1,
      project: r.project,
      date: r.date,
      title: r.title,
      run: runRecord(r),
      logs: r.logs.map((l) => ({ path: `logs/${l.name}.ndjson`, step_id: l.step })),
      snapshots: [{ path: 'snapshots/stack-env.json', name: 'stack-env' }],
      artifacts: [],
    };
    if (r.postmortem) {
      await writeFile(
        path.join(dir, 'postmortem.md'),
        [
          '---',
          `title: "Health checks failed in ${r.id}"`,
          `automation_run_id: ${r.id}`,
          `deployment_id: ${r.deployment}`,
          `project: ${r.project}`,
          'status: draft',
          'severity: high',
          `started_at: "${iso(r.start)}"`,
          '---',
          '',
          r.postmortem,
          '',
        ].join('\n'),
      );
      bundle.postmortem = 'postmortem.md';
    }
    await writeFile(path.join(dir, 'run.json'), JSON.stringify(bundle, null, 2));
    return dir;
  }
}

/** Writes N Markdown docs holding the same information as the N bundles (steps, logs, snapshot, postmortem). */
export async function writeMarkdownDocs(docsDir: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = makeRun(i);
    const rec = runRecord(r);
    const dir = path.join(docsDir, r.project, r.date);
    await mkdir(dir, { recursive: true });
    const body = [
      '---',
      `title: ${JSON.stringify(r.title)}`,
      '---',
      '',
      `# ${r.title}`,
      '',
      `Run \`${r.id}\` of deployment \`${r.deployment}\`: **${rec.status}** in ${Math.round(rec.duration_ms / 1000)} s.`,
      '',
      '## Steps',
      '',
      '| step | kind | status | duration |',
      '| --- | --- | --- | --- |',
      ...rec.steps.map(
        (s) => `| \`${s.step_id}\` | ${s.kind} | ${s.status} | ${'duration_ms' in s ? s.duration_ms : ''} |`,
      ),
      '',
      ...(r.postmortem ? ['## Postmortem', '', r.postmortem, ''] : []),
      '## Logs',
      '',
      ...r.logs.flatMap((l) => [
        `### ${l.name}`,
        '',
        '```text',
        ...l.lines.map((x) => `${x.ts} ${x.level} ${strip(x.msg)}`),
        '```',
        '',
      ]),
      '## Snapshot',
      '',
      '```json',
      JSON.stringify(r.snapshot, null, 2),
      '```',
      '',
    ];
    await writeFile(path.join(dir, `${r.id}.md`), body.join('\n'));
  }
}
