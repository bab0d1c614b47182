// `pnpm demo` (root `demo:run`): the whole fieldops system on one machine, on loopback.
//
//   sandbox      fake ChirpStack (gRPC), registry API, RFID backend (examples/rfid-backend), Vault,
//                UDP gateway bridge, SMTP server, WhatsApp/Slack/Discord webhook sinks, notify (the
//                `fieldops-notify` process on its embedded PGlite store)
//   run 1        the OpenClaw skill deploys site-bkk-01 from its execution spec: succeeds
//   cockpit      the live cockpit (A2UI over SSE, cockpit.ts): its URL is printed; the failure shows there
//   failure      the gateway stops sending stats: ChirpStack health -> notify -> WhatsApp to the on-call
//   run 2        the skill re-verifies the site: health check fails -> ticket + postmortem -> Slack
//   escalation   nobody acknowledges: the lead gets an email; the on-call replies ACK: escalation stops
//   fleet        the site's fleet syncs to the centre's read-only view; its backup restores, 0 changes
//   KB           the run bundles are built into the website (docusaurus build) and served
//
// Options: --no-serve (CI: build, check, exit), --port N (where to serve; default any free port).
// Exit code 1 when any check failed. A summary is written to examples/demo/.out/summary.json.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parseContract } from '@fieldops/contracts';
import { ExecutionSpec } from '@fieldops/contracts/automation/v1';
import { checkGatewayConfig, requireRegionPlan } from '@fieldops/sdk/chirpstack';
import { startDemoCockpit } from './cockpit.js';
import { runFleetCentreStage } from './fleet-centre.js';
import { buildKbSite, REPO, serveStatic } from './kb-site.js';
import { createReporter, waitFor } from './report.js';
import { simulateGatewayStats } from './sandbox/edge.js';
import { startSandbox } from './sandbox/index.js';
import { ESCALATION, PEOPLE } from './sandbox/notify.js';
import { waitForAsync } from './sandbox/notify-process.js';
import { startDemoSite } from './site-agent.js';
import { runSkill, SKILL_NODE, SKILL_SCRIPT } from './skill.js';

const { values: args } = parseArgs({
  options: {
    'no-serve': { type: 'boolean', default: false },
    port: { type: 'string', default: '0' },
  },
});
const OUT = join(REPO, 'examples/demo/.out');
const SPEC_FILE = join(REPO, 'examples/documents/site-bkk-01.spec.json');
const r = createReporter();

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (e.isFile()) out.push(join(e.parentPath, e.name));
  }
  return out;
}

console.log('fieldops demo: the whole system on loopback, nothing leaves this machine');
await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });
// The build's server bundle is CommonJS: keep examples/demo's "type": "module" from applying to it.
await writeFile(join(OUT, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
const kbDir = join(OUT, 'kb');
const spec = parseContract(ExecutionSpec, JSON.parse(await readFile(SPEC_FILE, 'utf8')));
const gateway = spec.targets.gateways[0]!;
const gatewayEui = gateway.gateway_eui.toLowerCase();

// ---- the sandbox ----
r.section('sandbox: the systems a site talks to, on 127.0.0.1');
const sb = await startSandbox(spec, join(OUT, 'data'));
r.ok(`fake ChirpStack v4 API (gRPC)          ${sb.chirpstack.target}`);
r.ok(`registry API (CRM), 5 records + spec   ${sb.registry.url}`);
r.ok(`RFID backend (examples/rfid-backend)   ${sb.rfid.url}`);
r.ok(`Vault KV v2 (secrets the spec names)   ${sb.vault.url}`);
r.ok(`gateway bridge UDP                     127.0.0.1:${sb.udp.port}`);
r.ok(`SMTP server                            127.0.0.1:${sb.smtp.port}`);
r.ok(`WhatsApp / Slack / Discord sinks       ${sb.sinks.url}`);
r.ok(`notify (fieldops-notify, PGlite store) ${sb.notify.url} pid ${sb.notify.pid}`);
const stats = simulateGatewayStats(sb.chirpstack, gatewayEui, 20);
const live = await startDemoCockpit({
  spec,
  notify: { url: sb.notify.url, token: sb.env.FIELDOPS_NOTIFY_TOKEN ?? '' },
});
r.ok(`cockpit (A2UI over SSE): open it now   ${live.pageUrl}`);
// The skill and the site agent post their events to notify through the cockpit's tap.
sb.env.FIELDOPS_NOTIFY_URL = live.notifyUrl;

const skillArgs = [
  '--deployment-id',
  spec.deployment_id,
  '--kb',
  kbDir,
  ...sb.resolve.flatMap((x) => ['--resolve', x]),
  '--existing-vm',
  '127.0.0.1',
  '--docker-dry-run',
  '--max-backoff-ms',
  '200',
  '--outbox',
  join(OUT, 'data/skill-outbox'),
];
const all: string[] = [];

// ---- run 1 ----
r.section(`run 1: the OpenClaw skill deploys ${spec.project} (${relative(REPO, SKILL_SCRIPT)})`);
r.info(
  `node ${execFileSync(SKILL_NODE, ['--version'], { encoding: 'utf8' }).trim()} --import tsx ${relative(REPO, SKILL_SCRIPT)} --deployment-id ${spec.deployment_id} …`,
);
const run1 = await runSkill(skillArgs, sb.env, (l) => r.relay(l));
all.push(...run1.output);
r.check(
  run1.code === 0 && run1.result?.status === 'succeeded',
  `run 1 ${run1.result?.status ?? `exit ${run1.code}`}: ${run1.result?.automation_run_id ?? '-'}`,
);
r.check(
  sb.chirpstack.state.devices.size === spec.targets.devices.length,
  `ChirpStack holds ${sb.chirpstack.state.devices.size} devices and ${sb.chirpstack.state.gateways.size} gateway`,
);
const stations = sb.registry.backend
  .devices()
  .filter((d) => d.role === 'station' && d.external_refs.rfid?.station_id);
r.check(
  stations.length === spec.targets.stations.length,
  `registry records the station ids of ${stations.length} stations`,
);
r.check(
  sb.rfid.backend.counts().events > 0,
  `RFID backend stored ${sb.rfid.backend.counts().events} events from ${sb.rfid.backend.counts().stations} stations`,
);

// ---- site telemetry and the scripted failure ----
r.section('scripted failure: the gateway stops sending stats');
const tenant = [...sb.chirpstack.state.tenants.values()].find((t) => t.name === 'coldchain-bkk');
const site = await startDemoSite({
  siteId: spec.site_id,
  dataDir: join(OUT, 'data/agent-outbox'),
  chirpstack: { target: sb.chirpstack.target, apiToken: sb.chirpstack.apiToken, tenantId: tenant?.id ?? '' },
  gatewayEui,
  region: gateway.region,
  statsIntervalS: 1,
  notify: { url: sb.env.FIELDOPS_NOTIFY_URL ?? '', token: sb.env.FIELDOPS_NOTIFY_TOKEN ?? '' },
});
r.ok(
  `site agent (fieldops-agent): MQTT ${site.brokerUrl} (aedes), PGlite outbox ${relative(REPO, join(OUT, 'data/agent-outbox'))}, relay to notify`,
);
site.fail();
stats.fail();
r.info(
  `gateway ${gateway.name} (${gatewayEui}) stops sending stats over MQTT; ChirpStack last saw it 10 min ago`,
);
const page = await waitFor(
  () => sb.sinks.messages.find((m) => m.channel === 'whatsapp' && m.to.endsWith(PEOPLE.oncall.slice(1))),
  10_000,
);
r.check(!!page, `WhatsApp to the on-call ${PEOPLE.oncall}: ${page?.text.slice(0, 100) ?? 'nothing arrived'}`);
const incident = await waitForAsync(
  async () => (await sb.notify.incidents()).find((i) => i.status !== 'resolved'),
  5_000,
);
r.check(
  !!incident && !!page?.text.includes(incident.ack_code),
  `incident open; its ack code ${incident?.ack_code ?? '-'} is in the on-call's message`,
);
const agentHealth = site.agent.agent.health() as { mqtt?: { received?: number } };
const offlineRelayed = await site.published('io.fieldops.chirpstack.gateway.offline.v1');
r.check(
  offlineRelayed > 0 && (agentHealth.mqtt?.received ?? 0) > 0,
  `the failure travelled gateway → MQTT → agent → outbox → relay → notify (agent read ${agentHealth.mqtt?.received ?? 0} MQTT messages, relayed ${offlineRelayed} gateway.offline)`,
);

r.check(
  await live.showsOffline(gatewayEui, 10_000),
  `the cockpit shows ${gateway.name} offline, live: ${live.pageUrl}`,
);

// ---- escalation and acknowledgement ----
r.section('escalation, then the acknowledgement');
const paged = performance.now();
const lead = await waitFor(
  () => sb.sinks.messages.find((m) => m.channel === 'email' && m.to === PEOPLE.leadEmail),
  10_000,
);
r.check(
  !!lead,
  `no ack after ${ESCALATION.level1Ms} ms: email to the lead ${PEOPLE.leadEmail}: ${lead?.text ?? 'nothing arrived'}`,
);
const reply = await sb.notify.replyOnWhatsApp(PEOPLE.oncall, `ACK ${incident?.ack_code ?? ''}`);
r.check(
  reply.acks === 1,
  `the on-call replies "ACK ${incident?.ack_code}" on WhatsApp (signed webhook): acknowledged`,
);
// Past the moment level 2 would have fired (counted from level 1).
await new Promise((res) =>
  setTimeout(
    res,
    Math.max(0, ESCALATION.level1Ms + ESCALATION.level2Ms + 1000 - (performance.now() - paged)),
  ),
);
const discord = sb.sinks.messages.filter((m) => m.channel === 'discord');
r.check(
  discord.length === 0,
  `escalation stopped: no Discord message to the NOC ${ESCALATION.level2Ms} ms later`,
);

// ---- run 2 ----
r.section(`run 2: the on-call re-verifies ${spec.project} with the skill; the gateway check fails`);
const run2 = await runSkill(skillArgs, sb.env, (l) => r.relay(l));
all.push(...run2.output);
r.check(
  run2.code === 1 && run2.result?.status === 'failed',
  `run 2 ${run2.result?.status ?? `exit ${run2.code}`} as scripted: ${run2.result?.automation_run_id ?? '-'}`,
);
const tickets = sb.registry.backend.tickets();
r.check(
  tickets.length === 1,
  `ticket ${tickets[0]?.ticket_id ?? '-'} opened in the CRM: "${tickets[0]?.title ?? ''}"`,
);
const slack = await waitFor(() => sb.sinks.messages.find((m) => m.channel === 'slack'), 10_000);
r.check(!!slack, `Slack #ops: ${slack?.text.split('\n')[0]?.slice(0, 100) ?? 'nothing arrived'}`);

r.section('recovery: the gateway sends stats again');
const before = sb.sinks.messages.length;
const back = simulateGatewayStats(sb.chirpstack, gatewayEui, 20);
site.recover();
// The incident, not the alert: notify drops a resolved alert once its resolved notice is sent (as
// Alertmanager does), which can be within a poll's interval; the closed incident stays until housekeeping.
const closed = await waitForAsync(
  async () =>
    (await sb.notify.incidents()).find((i) => i.ack_code === incident?.ack_code && i.status === 'resolved'),
  10_000,
);
r.check(!!closed, `GatewayOffline resolved in notify: incident ${incident?.ack_code ?? '-'} closed`);
const notice = await waitFor(
  () => sb.sinks.messages.slice(before).find((m) => m.channel === 'whatsapp'),
  3_000,
);
r.info(
  notice
    ? `resolved notice on WhatsApp: ${notice.text.slice(0, 100)}`
    : 'no resolved notice: the incident was acknowledged',
);
back.stop();
const left = await site.stop(10_000);
const runEvents = all.filter((l) => /run events: \d+ through the outbox .*all delivered/.test(l)).length;
r.check(
  left.pending === 0 && left.rejected === 0 && runEvents === 2,
  `every event went through an outbox: ${left.appended} site agent events (agent outbox), the run events of both runs (skill outbox); ${left.pending} pending, ${left.rejected} rejected`,
);
// SIGTERM: notify finishes the deliveries in flight and exits.
await sb.notify.close();
const notifications = [...sb.sinks.messages];
const receipts = [...sb.notify.receipts];

r.section('fleet centre: the site appears in the central view; a restore from its backup');
await runFleetCentreStage({ r, sb, spec, dataDir: join(OUT, 'data') });
await sb.close();

// ---- the bundles ----
r.section('run bundles in the KB folder');
const runDirs = (await files(join(kbDir, 'projects')))
  .filter((f) => f.endsWith('run.json'))
  .map((f) => f.slice(0, -'/run.json'.length));
r.check(
  runDirs.length === 2,
  `${runDirs.length} bundles under ${relative(REPO, kbDir)}/projects/${spec.project}/runs/`,
);
const bundles = [];
for (const dir of runDirs) {
  const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
  const hasPostmortem = await stat(join(dir, 'postmortem.md')).then(
    () => true,
    () => false,
  );
  bundles.push({
    dir: relative(REPO, dir),
    id: run.run.automation_run_id as string,
    status: run.run.status as string,
    postmortem: hasPostmortem,
    files: (await files(dir)).length,
  });
  r.info(
    `${run.run.automation_run_id} ${run.run.status}: ${(await files(dir)).length} files${hasPostmortem ? ', postmortem.md' : ''}`,
  );
}
r.check(
  bundles.some((b) => b.status === 'succeeded') && bundles.some((b) => b.status === 'failed' && b.postmortem),
  'one succeeded run, one failed run with its postmortem',
);
// The gateway configuration configure_gateway rendered, checked like `fieldops gateway-config --check`.
const okRun = bundles.find((b) => b.status === 'succeeded');
const confText = okRun
  ? await readFile(join(REPO, okRun.dir, 'artifacts/configure-gateway/global_conf.json'), 'utf8').catch(
      () => '',
    )
  : '';
const problems = confText
  ? checkGatewayConfig({ plan: requireRegionPlan(gateway.region), files: { 'global_conf.json': confText } })
  : [{ message: 'global_conf.json missing' }];
const gwConf = confText
  ? (JSON.parse(confText) as { gateway_conf?: Record<string, unknown> }).gateway_conf
  : undefined;
r.check(
  problems.length === 0,
  problems.length
    ? `gateway configuration: ${problems.map((p) => p.message).join('; ')}`
    : `gateway configuration global_conf.json (${gateway.region.toUpperCase()}, ${gateway.concentrator}) valid: gateway_ID ${gwConf?.gateway_ID}, server ${gwConf?.server_address}:${gwConf?.serv_port_up}`,
);
// No secret of the sandbox in any bundle file or skill output.
const leaks: string[] = [];
for (const f of await files(kbDir)) {
  const text = await readFile(f, 'utf8');
  if (sb.secrets.some((s) => text.includes(s))) leaks.push(relative(REPO, f));
}
if (all.some((l) => sb.secrets.some((s) => l.includes(s)))) leaks.push('skill output');
r.check(
  leaks.length === 0,
  leaks.length
    ? `secrets found in ${leaks.join(', ')}`
    : 'no token, claim code or key in any bundle file or skill output',
);

// ---- the KB site ----
r.section('KB: docusaurus build of the website with the demo bundles');
const siteDir = join(OUT, 'site');
let built = false;
try {
  const t = performance.now();
  await buildKbSite(kbDir, OUT, siteDir).catch(async (error) => {
    // One more try: a package being rebuilt next to us (a shared working tree) can break one build.
    r.info(
      `docusaurus build failed (${
        String(error)
          .split('\n')
          .find((l) => /Error:/.test(l))
          ?.trim() ?? 'see above'
      }); once more`,
    );
    return buildKbSite(kbDir, OUT, siteDir);
  });
  built = true;
  r.ok(`built in ${((performance.now() - t) / 1000).toFixed(1)} s into ${relative(REPO, siteDir)}`);
} catch (error) {
  r.fail(`docusaurus build: ${(error as Error).message.slice(0, 2000)}`);
}
const pages: string[] = [];
if (built) {
  for (const b of bundles) {
    const [date] = b.dir.split('/').slice(-2);
    const pagePath = `runs/${spec.project}/${date}/${b.id}/index.html`;
    const html = await readFile(join(siteDir, pagePath), 'utf8').catch(() => '');
    const ok = html.includes(b.id) && (b.status !== 'failed' || /postmortem/i.test(html));
    r.check(
      ok,
      `page /${pagePath.replace(/index\.html$/, '')} (${b.status}${b.status === 'failed' ? ', with the postmortem' : ''})`,
    );
    pages.push(`/${pagePath.replace(/index\.html$/, '')}`);
  }
}

// ---- summary ----
const byChannel = (c: string) => notifications.filter((m) => m.channel === c).length;
const summary = {
  wall_time_s: Number(r.seconds().toFixed(1)),
  failures: r.failures,
  runs: bundles,
  ticket_id: run2.result?.ticket_id,
  pages,
  notifications: notifications.map((m) => ({ channel: m.channel, to: m.to, text: m.text.slice(0, 200) })),
  receipts,
  counts: {
    whatsapp: byChannel('whatsapp'),
    email: byChannel('email'),
    slack: byChannel('slack'),
    discord: byChannel('discord'),
  },
};
await writeFile(join(OUT, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
r.section('summary');
r.info(
  `notifications delivered: ${Object.entries(summary.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
r.info(`summary: ${relative(REPO, join(OUT, 'summary.json'))}`);
r.info(
  `${r.failures.length ? `${r.failures.length} check(s) FAILED` : 'every check passed'} in ${summary.wall_time_s} s`,
);

if (args['no-serve'] || !built || r.failures.length) {
  process.exit(r.failures.length ? 1 : 0);
}
const server = await serveStatic(siteDir, Number(args.port));
console.log('');
console.log(`KB served at ${server.url}/runs/${spec.project}`);
live.allowOrigin(server.url);
console.log(
  `cockpit in the KB: ${server.url}/cockpit?cockpit=${encodeURIComponent(live.cockpitUrl)}&site=${spec.site_id}`,
);
for (const p of pages) console.log(`  ${server.url}${p}`);
console.log('Ctrl-C to stop.');
process.once('SIGINT', async () => {
  await server.close();
  process.exit(0);
});
