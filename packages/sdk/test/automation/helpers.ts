import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
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

/** Options of the Proxmox VE mock. */
export interface ProxmoxMockOptions {
  origin?: string;
  tokenId: string;
  tokenSecret: string;
  /** How many guest-agent polls answer 500 before the IP shows. */
  agentNotReadyPolls?: number;
  ip?: string;
  /** Exit status of the clone task (default OK). */
  cloneExit?: string;
  nextId?: number;
}

/**
 * MSW handlers modelled on the Proxmox VE API (`/api2/json`): token auth, clone returning a UPID task,
 * task status, config, resize, start, guest agent network interfaces. Form-encoded bodies.
 */
export function proxmoxMock(o: ProxmoxMockOptions) {
  const origin = o.origin ?? 'https://pve.test:8006';
  const base = `${origin}/api2/json`;
  const vms = new Map<number, Record<string, string | number>>();
  const tasks = new Map<string, { polls: number; exit: string; type: string }>();
  const calls: string[] = [];
  const bodies: Record<string, string>[] = [];
  let agentPolls = 0;
  let taskSeq = 0;
  const authorized = (request: Request) =>
    request.headers.get('authorization') === `PVEAPIToken=${o.tokenId}=${o.tokenSecret}`;
  const denied = () => new HttpResponse(null, { status: 401, statusText: 'authentication failure' });
  const task = (node: string, type: string, vmid: number, exit = 'OK') => {
    taskSeq += 1;
    const upid = `UPID:${node}:000${taskSeq.toString(16).padStart(5, '0')}:0A1B2C3D:6745F000:${type}:${vmid}:${o.tokenId}:`;
    tasks.set(upid, { polls: 0, exit, type });
    return upid;
  };
  const form = async (request: Request) => Object.fromEntries(new URLSearchParams(await request.text()));
  const handlers = [
    http.all(`${base}/*`, ({ request }) => {
      calls.push(`${request.method} ${new URL(request.url).pathname.replace('/api2/json', '')}`);
      if (!authorized(request)) return denied();
      return undefined as unknown as Response; // fall through to the route handlers
    }),
    http.get(`${base}/cluster/nextid`, () => HttpResponse.json({ data: String(o.nextId ?? 120) })),
    http.get(`${base}/nodes/:node/qemu/:vmid/config`, ({ params }) => {
      const vm = vms.get(Number(params.vmid));
      if (!vm)
        return HttpResponse.json(
          {
            data: null,
            message: `Configuration file 'nodes/${params.node}/qemu-server/${params.vmid}.conf' does not exist`,
          },
          { status: 500 },
        );
      return HttpResponse.json({ data: vm });
    }),
    http.post(`${base}/nodes/:node/qemu/:vmid/clone`, async ({ request, params }) => {
      const body = await form(request);
      bodies.push({ op: 'clone', ...body });
      const newid = Number(body.newid);
      if (vms.has(newid))
        return HttpResponse.json(
          { data: null, errors: { newid: `VM ${newid} already exists` } },
          { status: 400 },
        );
      vms.set(newid, { name: body.name ?? '', template: 0, cores: 1, memory: 2048 });
      return HttpResponse.json({
        data: task(String(params.node), 'qmclone', Number(params.vmid), o.cloneExit),
      });
    }),
    http.get(`${base}/nodes/:node/tasks/:upid/status`, ({ params }) => {
      const t = tasks.get(decodeURIComponent(String(params.upid)));
      if (!t) return HttpResponse.json({ data: null, message: 'no such task' }, { status: 500 });
      t.polls += 1;
      // Each task runs for one poll, then stops.
      return HttpResponse.json({
        data:
          t.polls < 2
            ? { status: 'running', type: t.type }
            : { status: 'stopped', exitstatus: t.exit, type: t.type },
      });
    }),
    http.post(`${base}/nodes/:node/qemu/:vmid/config`, async ({ request, params }) => {
      const body = await form(request);
      bodies.push({ op: 'config', ...body });
      const vm = vms.get(Number(params.vmid));
      if (!vm) return HttpResponse.json({ data: null }, { status: 500 });
      Object.assign(vm, body);
      return HttpResponse.json({ data: task(String(params.node), 'qmconfig', Number(params.vmid)) });
    }),
    http.put(`${base}/nodes/:node/qemu/:vmid/resize`, async ({ request, params }) => {
      const body = await form(request);
      bodies.push({ op: 'resize', ...body });
      return HttpResponse.json({ data: task(String(params.node), 'resize', Number(params.vmid)) });
    }),
    http.post(`${base}/nodes/:node/qemu/:vmid/status/start`, ({ params }) =>
      HttpResponse.json({ data: task(String(params.node), 'qmstart', Number(params.vmid)) }),
    ),
    http.get(`${base}/nodes/:node/qemu/:vmid/agent/network-get-interfaces`, () => {
      agentPolls += 1;
      if (agentPolls <= (o.agentNotReadyPolls ?? 2)) {
        return HttpResponse.json({ data: null, message: 'QEMU guest agent is not running' }, { status: 500 });
      }
      return HttpResponse.json({
        data: {
          result: [
            {
              name: 'lo',
              'ip-addresses': [{ 'ip-address': '127.0.0.1', 'ip-address-type': 'ipv4', prefix: 8 }],
            },
            {
              name: 'eth0',
              'hardware-address': 'bc:24:11:00:00:01',
              'ip-addresses': [
                { 'ip-address': 'fe80::be24:11ff:fe00:1', 'ip-address-type': 'ipv6', prefix: 64 },
                { 'ip-address': o.ip ?? '10.20.0.15', 'ip-address-type': 'ipv4', prefix: 24 },
              ],
            },
          ],
        },
      });
    }),
  ];
  return { handlers, calls, bodies, vms, origin };
}

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
