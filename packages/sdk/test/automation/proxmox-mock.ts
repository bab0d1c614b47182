import { HttpResponse, http } from 'msw';

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
  /** Exit status per task type (`qmclone`, `qmconfig`, `resize`, `qmstart`), default OK. */
  taskExits?: Record<string, string>;
  nextId?: number;
  /** GET config answers this many plain 500s (a node in trouble) before answering normally. */
  configFailures?: number;
}

// What the mock answers, and where Proxmox says so:
// - Errors: the API server puts the die message in the status line and, for the json format, in the
//   body as `message` next to `data: null` (pve-http-server src/PVE/APIServer/Formatter/Standard.pm,
//   prepare_response_data: `elsif ($format eq 'json') { … $new->{message} = "$res->{message}" … }`).
// - GET …/qemu/{vmid}/config of a VM that does not exist: 500 "Configuration file
//   'nodes/<node>/qemu-server/<vmid>.conf' does not exist\n" (pve-guest-common src/PVE/AbstractConfig.pm,
//   load_config).
// - Tasks: GET …/tasks/{upid}/status answers { status: 'running' | 'stopped', exitstatus, type, … };
//   exitstatus is 'OK', 'WARNINGS: n' or the error text (pve-common src/PVE/Tools.pm, upid_read_status).
// - Starting a running VM: the start task fails with "VM <vmid> already running" (qemu-server
//   PVE/QemuServer.pm, vm_start: `die "VM $vmid already running\n" if check_running(…)`).
// - Resize: "shrinking disks is not supported" for a smaller size; the same size is a no-op
//   (qemu-server PVE/API2/Qemu.pm, resize_vm).
// - GET …/status/current: { data: { status: 'running' | 'stopped', vmid, name, qmpstatus, … } }.

/** A VM the mock holds: its config keys as Proxmox stores them, and whether it runs. */
export interface MockVm {
  config: Record<string, string | number>;
  running: boolean;
}

function pveError(status: number, message: string) {
  return HttpResponse.json(
    { data: null, message: `${message}\n` },
    { status, statusText: message.replace(/[^\x20-\x7e]/g, '?') },
  );
}

/** Bytes of a Proxmox size (`32G`, `512M`, `64`). */
function sizeBytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(size);
  if (!m) return Number.NaN;
  return Number(m[1]) * 1024 ** ({ '': 0, K: 1, M: 2, G: 3, T: 4 } as Record<string, number>)[m[2]!]!;
}

/**
 * MSW handlers modelled on the Proxmox VE API (`/api2/json`): token auth, clone / config / resize /
 * start as tasks (UPIDs), task status, status/current, guest agent network interfaces. Form bodies.
 */
export function proxmoxMock(o: ProxmoxMockOptions) {
  const origin = o.origin ?? 'https://pve.test:8006';
  const base = `${origin}/api2/json`;
  const vms = new Map<number, MockVm>();
  const tasks = new Map<string, { polls: number; exit: string; type: string; after?: () => void }>();
  const calls: string[] = [];
  const bodies: Record<string, string>[] = [];
  let agentPolls = 0;
  let taskSeq = 0;
  let configFailures = o.configFailures ?? 0;
  const authorized = (request: Request) =>
    request.headers.get('authorization') === `PVEAPIToken=${o.tokenId}=${o.tokenSecret}`;
  const task = (node: string, type: string, vmid: number, exit?: string, after?: () => void) => {
    taskSeq += 1;
    const upid = `UPID:${node}:000${taskSeq.toString(16).padStart(5, '0')}:0A1B2C3D:6745F000:${type}:${vmid}:${o.tokenId}:`;
    const code = exit ?? o.taskExits?.[type] ?? (type === 'qmclone' ? o.cloneExit : undefined) ?? 'OK';
    tasks.set(upid, { polls: 0, exit: code, type, ...(after ? { after } : {}) });
    return upid;
  };
  const form = async (request: Request) => Object.fromEntries(new URLSearchParams(await request.text()));
  const missing = (node: unknown, vmid: unknown) =>
    pveError(500, `Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
  const handlers = [
    http.all(`${base}/*`, ({ request }) => {
      calls.push(`${request.method} ${new URL(request.url).pathname.replace('/api2/json', '')}`);
      if (!authorized(request))
        return new HttpResponse(null, { status: 401, statusText: 'authentication failure' });
      return undefined;
    }),
    http.get(`${base}/cluster/nextid`, () => HttpResponse.json({ data: String(o.nextId ?? 120) })),
    http.get(`${base}/nodes/:node/qemu/:vmid/config`, ({ params }) => {
      if (configFailures > 0) {
        configFailures -= 1;
        return pveError(500, 'cfs-lock timeout: got lock request timeout');
      }
      const vm = vms.get(Number(params.vmid));
      if (!vm) return missing(params.node, params.vmid);
      return HttpResponse.json({ data: { ...vm.config, digest: 'f1e2d3c4b5a6' } });
    }),
    http.get(`${base}/nodes/:node/qemu/:vmid/status/current`, ({ params }) => {
      const vm = vms.get(Number(params.vmid));
      if (!vm) return missing(params.node, params.vmid);
      return HttpResponse.json({
        data: {
          vmid: Number(params.vmid),
          name: vm.config.name,
          status: vm.running ? 'running' : 'stopped',
          qmpstatus: vm.running ? 'running' : 'stopped',
          agent: 1,
        },
      });
    }),
    http.post(`${base}/nodes/:node/qemu/:vmid/clone`, async ({ request, params }) => {
      const body = await form(request);
      bodies.push({ op: 'clone', ...body });
      const newid = Number(body.newid);
      if (vms.has(newid))
        return HttpResponse.json(
          { data: null, errors: { newid: `VM ${newid} already exists` } },
          { status: 400, statusText: 'Parameter verification failed.' },
        );
      vms.set(newid, {
        config: {
          name: body.name ?? '',
          cores: 1,
          memory: 2048,
          scsi0: `local-lvm:vm-${newid}-disk-0,size=32G`,
          net0: 'virtio=BC:24:11:00:00:01,bridge=vmbr0',
        },
        running: false,
      });
      return HttpResponse.json({ data: task(String(params.node), 'qmclone', Number(params.vmid)) });
    }),
    http.get(`${base}/nodes/:node/tasks/:upid/status`, ({ params }) => {
      const t = tasks.get(decodeURIComponent(String(params.upid)));
      if (!t) return pveError(500, 'no such task');
      t.polls += 1;
      // Each task runs for one poll, then stops.
      if (t.polls < 2) return HttpResponse.json({ data: { status: 'running', type: t.type } });
      if (t.polls === 2) t.after?.();
      return HttpResponse.json({ data: { status: 'stopped', exitstatus: t.exit, type: t.type } });
    }),
    http.post(`${base}/nodes/:node/qemu/:vmid/config`, async ({ request, params }) => {
      const body = await form(request);
      bodies.push({ op: 'config', ...body });
      const vm = vms.get(Number(params.vmid));
      if (!vm) return missing(params.node, params.vmid);
      return HttpResponse.json({
        data: task(String(params.node), 'qmconfig', Number(params.vmid), undefined, () =>
          Object.assign(vm.config, body),
        ),
      });
    }),
    http.put(`${base}/nodes/:node/qemu/:vmid/resize`, async ({ request, params }) => {
      const body = await form(request);
      bodies.push({ op: 'resize', ...body });
      const vm = vms.get(Number(params.vmid));
      if (!vm) return missing(params.node, params.vmid);
      const disk = String(vm.config[body.disk ?? ''] ?? '');
      const have = /size=([^,]+)/.exec(disk)?.[1] ?? '0';
      if (sizeBytes(body.size ?? '') < sizeBytes(have)) {
        return pveError(500, 'shrinking disks is not supported');
      }
      return HttpResponse.json({
        data: task(String(params.node), 'resize', Number(params.vmid), undefined, () => {
          vm.config[body.disk!] = disk.replace(/size=[^,]+/, `size=${body.size}`);
        }),
      });
    }),
    http.post(`${base}/nodes/:node/qemu/:vmid/status/start`, ({ params }) => {
      const vmid = Number(params.vmid);
      const vm = vms.get(vmid);
      if (!vm) return missing(params.node, params.vmid);
      if (vm.running)
        return HttpResponse.json({
          data: task(String(params.node), 'qmstart', vmid, `VM ${vmid} already running`),
        });
      return HttpResponse.json({
        data: task(String(params.node), 'qmstart', vmid, undefined, () => {
          vm.running = true;
        }),
      });
    }),
    http.get(`${base}/nodes/:node/qemu/:vmid/agent/network-get-interfaces`, () => {
      agentPolls += 1;
      if (agentPolls <= (o.agentNotReadyPolls ?? 2)) {
        return pveError(500, 'QEMU guest agent is not running');
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
