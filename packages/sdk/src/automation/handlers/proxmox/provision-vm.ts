import type * as automation from '@fieldops/contracts/automation/v1';
import type { Clock } from '@fieldops/core';
import { clockOf } from '../../../internal/clock.js';
import { AutomationError } from '../../errors.js';
import { buildSnapshotName } from '../../kb/paths.js';
import type { Sleep } from '../../retry.js';
import type { ActionHandler, HandlerContext } from '../../types.js';
import {
  createProxmoxClient,
  type ProxmoxClient,
  type ProxmoxClientOptions,
  pickGuestIpv4,
} from './client.js';
import { createProxmoxTlsFetch, type ProxmoxTlsOptions } from './tls-fetch.js';

/** Options of {@link createProvisionVmHandler}. */
export interface ProvisionVmHandlerOptions {
  /** A fetch of your own for the Proxmox API (wins over `tls`). */
  fetch?: typeof fetch;
  /**
   * Trust for a Proxmox certificate the system CAs do not know (a default install serves one signed by
   * its cluster CA): a CA file, or a SHA-256 fingerprint pin. A pin also serves `verify_tls: false`.
   */
  tls?: ProxmoxTlsOptions;
  sleep?: Sleep;
  /** The clock (core's `Clock`) for deadlines. Default: the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => number;
  pollIntervalMs?: number;
  /** The disk grown to `disk_gb` (default `scsi0`). */
  disk?: string;
  /** Replace the client (tests, or another transport). */
  createClient?: (options: ProxmoxClientOptions) => ProxmoxClient;
}

/** The `provision_vm` handler interface. */
export type ProvisionVmHandler = ActionHandler<'provision_vm'>;

type Action = automation.ActionOf<'provision_vm'>;

/** What every step of one provisioning needs. */
interface VmStep {
  a: Action;
  ctx: HandlerContext;
  pve: ProxmoxClient;
  node: string;
  vmid: number;
}

/**
 * `provision_vm` over the Proxmox VE API. Every step reads the VM's state first, so a retried or
 * resumed run does only what is left: clone the template (unless the VM exists with this name), set
 * cores / memory / network / guest agent (unless already set), grow the disk (unless already that
 * size), start (unless running), then wait for the guest agent to report an IPv4 address. Outputs
 * `{ vmid, node, name, ip }`.
 */
export function createProvisionVmHandler(options: ProvisionVmHandlerOptions = {}): ProvisionVmHandler {
  const clock = clockOf(options);
  const now = () => clock.now();
  return {
    describe(a) {
      return [
        `clone Proxmox template ${a.template_vmid} on node ${a.proxmox.node} (${a.proxmox.api_url}) into VM ${a.vm_name}${a.vmid ? ` (vmid ${a.vmid})` : ' (next free vmid)'}`,
        `set ${a.cores} cores, ${a.memory_mb} MB${a.disk_gb ? `, disk ${a.disk_gb} GB` : ''}${a.bridge ? `, net on ${a.bridge}${a.vlan ? ` vlan ${a.vlan}` : ''}` : ''}`,
        `start it and wait up to ${a.wait_for_ip_s ?? 300} s for the guest agent's IPv4`,
      ];
    },
    async run(a, ctx) {
      const pve = await connect(a, ctx, options, now);
      const node = a.proxmox.node;
      const vmid = a.vmid ?? (await pve.nextVmid(ctx.signal));
      const step: VmStep = { a, ctx, pve, node, vmid };
      const existing = await ensureVm(step);
      const config = await ensureConfig(step, existing);
      if (a.disk_gb) await ensureDiskSize(step, existing, options.disk ?? 'scsi0', a.disk_gb);
      await ensureRunning(step);
      const ip = await waitForIp(step, options.sleep ?? ctx.sleep, now, options.pollIntervalMs ?? 2000);
      ctx.log.info(`VM ${vmid} is up at ${ip}`);
      ctx.snapshot({
        name: buildSnapshotName(ctx.stepId, 'vm'),
        title: `VM ${a.vm_name}`,
        target: `${node}/${vmid}`,
        format: 'json',
        content: {
          node,
          vmid,
          name: a.vm_name,
          template_vmid: a.template_vmid,
          ...config,
          disk_gb: a.disk_gb ?? null,
          ip,
        },
      });
      return {
        outputs: { vmid, node, name: a.vm_name, ip },
        message: `VM ${a.vm_name} (${vmid}) up at ${ip}`,
      };
    },
  };
}

/** The Proxmox client for this action: token resolved, TLS trust chosen. */
async function connect(
  a: Action,
  ctx: HandlerContext,
  options: ProvisionVmHandlerOptions,
  now: () => number,
): Promise<ProxmoxClient> {
  const token = await ctx.secrets.resolve(a.proxmox.token_secret_ref, { signal: ctx.signal });
  if (a.proxmox.verify_tls === false && !options.fetch && !options.tls?.fingerprint256) {
    throw new AutomationError(
      'proxmox_failed',
      `step ${ctx.stepId}: verify_tls false needs a fetch that skips certificate checks or a tls.fingerprint256 pin (pass handlers.provision_vm with one)`,
      { retryable: false },
    );
  }
  const fetchImpl = options.fetch ?? (options.tls ? createProxmoxTlsFetch(options.tls) : undefined);
  const clientOptions: ProxmoxClientOptions = {
    apiUrl: a.proxmox.api_url,
    tokenId: a.proxmox.token_id,
    tokenSecret: token,
    now,
    redact: ctx.redact,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    sleep: options.sleep ?? ctx.sleep,
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
  };
  return (options.createClient ?? createProxmoxClient)(clientOptions);
}

/** Waits for a task; a `WARNINGS: n` ending is a success, logged as a warning. */
async function finishTask(s: VmStep, upid: string | undefined, what: string): Promise<void> {
  if (!upid) return;
  const exit = await s.pve.waitForTask(s.node, upid, { signal: s.ctx.signal });
  if (exit !== 'OK') s.ctx.log.warn(`${what} task ended with ${exit}`, { upid });
}

/** The VM's config, cloning the template first when the VM does not exist. */
async function ensureVm(s: VmStep): Promise<Record<string, unknown>> {
  const { a, ctx, pve, node, vmid } = s;
  const existing = await pve.getConfig(node, vmid, ctx.signal);
  if (existing && existing.name !== a.vm_name) {
    throw new AutomationError('proxmox_failed', `vmid ${vmid} on ${node} is taken by another VM`, {
      retryable: false,
    });
  }
  if (existing) {
    ctx.log.info(`VM ${vmid} (${a.vm_name}) exists on ${node}; not cloning again`);
    return existing;
  }
  ctx.log.info(`cloning template ${a.template_vmid} to ${vmid} (${a.vm_name}) on ${node}`);
  const upid = await pve.clone(
    node,
    a.template_vmid,
    { newid: vmid, name: a.vm_name, full: a.full_clone ?? true },
    ctx.signal,
  );
  await finishTask(s, upid, 'clone');
  return (await pve.getConfig(node, vmid, ctx.signal)) ?? {};
}

/** Sets cores, memory, guest agent and network unless the VM already has them. */
async function ensureConfig(
  s: VmStep,
  current: Record<string, unknown>,
): Promise<Record<string, string | number>> {
  const { a, ctx, pve, node, vmid } = s;
  const config: Record<string, string | number> = { cores: a.cores, memory: a.memory_mb, agent: 1 };
  if (a.bridge) config.net0 = `virtio,bridge=${a.bridge}${a.vlan ? `,tag=${a.vlan}` : ''}`;
  const changes = Object.fromEntries(
    Object.entries(config).filter(([k, v]) => !sameConfigValue(k, current[k], v)),
  );
  if (Object.keys(changes).length === 0) {
    ctx.log.info('VM resources already set');
    return config;
  }
  ctx.log.info('setting VM resources', changes);
  await finishTask(s, await pve.setConfig(node, vmid, changes, ctx.signal), 'config');
  return config;
}

// Proxmox keeps the NIC's MAC inside net0 (`virtio=BC:24:11:…,bridge=vmbr0,tag=20`): compare the parts
// we set. `agent` may read back as `1` or `enabled=1`.
function sameConfigValue(key: string, current: unknown, wanted: string | number): boolean {
  if (current === undefined || current === null) return false;
  if (key === 'net0') {
    const parts = (v: string) => v.split(',').map((p) => (/^virtio=/.test(p) ? 'virtio' : p));
    return parts(String(current)).join(',') === parts(String(wanted)).join(',');
  }
  if (key === 'agent') return /^(1|enabled=1)(,|$)/.test(String(current));
  return String(current) === String(wanted);
}

/** Grows the disk to `gb` unless it already has that size or more (Proxmox refuses to shrink). */
async function ensureDiskSize(
  s: VmStep,
  current: Record<string, unknown>,
  disk: string,
  gb: number,
): Promise<void> {
  const have = parseDiskSizeBytes(String(current[disk] ?? ''));
  if (have !== undefined && have >= gb * 1024 ** 3) {
    s.ctx.log.info(`${disk} is already ${gb}G or larger`);
    return;
  }
  s.ctx.log.info(`growing ${disk} to ${gb}G`);
  await finishTask(s, await s.pve.resize(s.node, s.vmid, disk, `${gb}G`, s.ctx.signal), 'resize');
}

/** The `size=` of a Proxmox disk entry (`local-lvm:vm-131-disk-0,size=32G`) in bytes. */
export function parseDiskSizeBytes(entry: string): number | undefined {
  const m = /(?:^|,)size=(\d+(?:\.\d+)?)([KMGT]?)(?:,|$)/.exec(entry);
  if (!m) return undefined;
  const unit = { '': 0, K: 1, M: 2, G: 3, T: 4 }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * 1024 ** unit;
}

/** Starts the VM unless it is running already (a second start fails with "VM N already running"). */
async function ensureRunning(s: VmStep): Promise<void> {
  if ((await s.pve.runState(s.node, s.vmid, s.ctx.signal)) === 'running') {
    s.ctx.log.info(`VM ${s.vmid} is already running`);
    return;
  }
  s.ctx.log.info(`starting VM ${s.vmid}`);
  await finishTask(s, await s.pve.start(s.node, s.vmid, s.ctx.signal), 'start');
}

/** Polls the guest agent until it reports an IPv4 address or `wait_for_ip_s` passes. */
async function waitForIp(s: VmStep, sleep: Sleep, now: () => number, pollMs: number): Promise<string> {
  const waitS = s.a.wait_for_ip_s ?? 300;
  const deadline = now() + waitS * 1000;
  for (;;) {
    const ifaces = await s.pve.guestInterfaces(s.node, s.vmid, s.ctx.signal);
    const ip = ifaces ? pickGuestIpv4(ifaces) : undefined;
    if (ip) return ip;
    if (now() >= deadline) break;
    await sleep(pollMs, s.ctx.signal);
  }
  throw new AutomationError(
    'proxmox_failed',
    `VM ${s.vmid} reported no IPv4 through the guest agent within ${waitS} s`,
  );
}

/** Re-export for handler authors who want the raw action type. */
export type ProvisionVmAction = automation.ActionOf<'provision_vm'>;
