# The README's main job: `pnpm demo` without serving (the whole system on loopback, two runs of the
# OpenClaw skill, notifications with an escalation and an acknowledgement, the KB built with the
# run bundles). The skill runs on Node 24, as under OpenClaw. The demo exits 1 when one of its own
# checks fails; below, the artefacts it leaves are checked again from the outside.
demo_node24=$(npx -y -p node@24 -c 'command -v node')
demo_start=$(date +%s)
FIELDOPS_SKILL_NODE="$demo_node24" pnpm demo:run --no-serve
echo "demo wall time: $(($(date +%s) - demo_start)) s"
node --input-type=module - <<'NODE'
import { existsSync, readFileSync } from 'node:fs';
const out = 'examples/demo/.out';
const s = JSON.parse(readFileSync(`${out}/summary.json`, 'utf8'));
const fail = (m) => { console.error(`80-demo: ${m}`); process.exit(1); };
if (s.failures.length) fail(`demo checks failed: ${s.failures.join('; ')}`);
const ok = s.runs.filter((r) => r.status === 'succeeded');
const failed = s.runs.filter((r) => r.status === 'failed');
if (ok.length !== 1 || failed.length !== 1) fail(`expected one succeeded and one failed run, got ${JSON.stringify(s.runs)}`);
for (const r of s.runs) {
  for (const f of ['run.json', 'logs', 'snapshots']) if (!existsSync(`${r.dir}/${f}`)) fail(`${r.dir}/${f} missing`);
}
if (!existsSync(`${failed[0].dir}/postmortem.md`)) fail('the failed run has no postmortem.md');
if (!readFileSync(`${failed[0].dir}/postmortem.md`, 'utf8').includes(s.ticket_id)) fail('the postmortem does not name the ticket');
if (s.pages.length !== 2) fail(`expected 2 run pages, got ${s.pages.length}`);
for (const p of s.pages) if (!existsSync(`${out}/site${p}index.html`)) fail(`page ${p} not built`);
const c = s.counts;
if (c.whatsapp < 1 || c.email < 1 || c.slack < 1) fail(`notifications missing: ${JSON.stringify(c)}`);
if (c.discord !== 0) fail(`the acknowledgement did not stop the escalation: ${c.discord} Discord message(s)`);
if (!s.notifications.some((n) => n.channel === 'email' && n.to === 'nok@coldchain.test')) fail('no escalation email to the lead');
console.log(`80-demo: ${s.runs.length} bundles, ${s.pages.length} pages, notifications ${JSON.stringify(c)}, ${s.wall_time_s} s`);
NODE
