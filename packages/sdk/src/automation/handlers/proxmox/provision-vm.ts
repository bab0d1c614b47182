import type * as automation from '@fieldops/contracts/automation/v1';
import { AutomationError } from '../../errors.js';
import { buildSnapshotName } from '../../kb/paths.js';
import type { Sleep } from '../../retry.js';
import type { ActionHandler } from '../../types.js';
import {
  createProxmoxClient,
  type ProxmoxClient,
  type ProxmoxClientOptions,
  pickGuestIpv4,
} from './client.js';

/** Options of {@link createProvisionVmHandler}. */
export interface ProvisionVmHandlerOptions {
  fetch?: typeof fetch;
  sleep?: Sleep;
  /** Milliseconds clock for deadlines (default Date.now). */
  now?: () => number;
  pollIntervalMs?: number;
  /** The disk grown to `disk_gb` (default `scsi0`). */
  disk?: string;
  /** Replace the client (tests, or another transport). */
  createClient?: (options: ProxmoxClientOptions) => ProxmoxClient;
}

/** The `provision_vm` handler interface. */
export type ProvisionVmHandler = ActionHandler<'provision_vm'>;

/**
 * `provision_vm` over the Proxmox VE API: clone the template (skipped when the VM already exists with
 * this name, so a retry resumes), set cores / memory / network / guest agent, grow the disk, start,
 * and wait for the guest agent to report an IPv4 address. Outputs `{ vmid, node, name, ip }`.
 */
export function createProvisionVmHandler(options: ProvisionVmHandlerOptions = {}): ProvisionVmHandler {
  const now = options.now ?? Date.now;
  return {
    describe(a) {
      return [
        `clone Proxmox template ${a.template_vmid} on node ${a.proxmox.node} (${a.proxmox.api_url}) into VM ${a.vm_name}${a.vmid ? ` (vmid ${a.vmid})` : ' (next free vmid)'}`,
        `set ${a.cores} cores, ${a.memory_mb} MB${a.disk_gb ? `, disk ${a.disk_gb} GB` : ''}${a.bridge ? `, net on ${a.bridge}${a.vlan ? ` vlan ${a.vlan}` : ''}` : ''}`,
        `start it and wait up to ${a.wait_for_ip_s ?? 300} s for the guest agent's IPv4`,
      ];
    },
    async run(a, ctx) {
      const token = await ctx.secrets.resolve(a.proxmox.token_secret_ref, { signal: ctx.signal });
      if (a.proxmox.verify_tls === false && !options.fetch) {
        throw new AutomationError(
          'proxmox_failed',
          `step ${ctx.stepId}: verify_tls false needs a fetch that skips certificate checks (pass handlers.provision_vm with one)`,
          { retryable: false },
        );
      }
      const clientOptions: ProxmoxClientOptions = {
        apiUrl: a.proxmox.api_url,
        tokenId: a.proxmox.token_id,
        tokenSecret: token,
        now,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        sleep: options.sleep ?? ctx.sleep,
        ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      };
      const pve = (options.createClient ?? createProxmoxClient)(clientOptions);
      const node = a.proxmox.node;
      const signal = ctx.signal;
      const vmid = a.vmid ?? (await pve.nextVmid(signal));

      const existing = await pve.getConfig(node, vmid, signal);
      if (existing && existing.name !== a.vm_name) {
        throw new AutomationError('proxmox_failed', `vmid ${vmid} on ${node} is taken by another VM`, {
          retryable: false,
        });
      }
      if (existing) {
        ctx.log.info(`VM ${vmid} (${a.vm_name}) exists on ${node}; not cloning again`);
      } else {
        ctx.log.info(`cloning template ${a.template_vmid} to ${vmid} (${a.vm_name}) on ${node}`);
        const upid = await pve.clone(
          node,
          a.template_vmid,
          { newid: vmid, name: a.vm_name, full: a.full_clone ?? true },
          signal,
        );
        await pve.waitForTask(node, upid, { signal });
      }

      const config: Record<string, string | number> = { cores: a.cores, memory: a.memory_mb, agent: 1 };
      if (a.bridge) config.net0 = `virtio,bridge=${a.bridge}${a.vlan ? `,tag=${a.vlan}` : ''}`;
      ctx.log.info('setting VM resources', config);
      const cfgTask = await pve.setConfig(node, vmid, config, signal);
      if (cfgTask) await pve.waitForTask(node, cfgTask, { signal });
      if (a.disk_gb) {
        const disk = options.disk ?? 'scsi0';
        ctx.log.info(`growing ${disk} to ${a.disk_gb}G`);
        const resizeTask = await pve.resize(node, vmid, disk, `${a.disk_gb}G`, signal);
        if (resizeTask) await pve.waitForTask(node, resizeTask, { signal });
      }

      ctx.log.info(`starting VM ${vmid}`);
      await pve.waitForTask(node, await pve.start(node, vmid, signal), { signal });

      const waitMs = (a.wait_for_ip_s ?? 300) * 1000;
      const deadline = now() + waitMs;
      const sleep = options.sleep ?? ctx.sleep;
      let ip: string | undefined;
      for (;;) {
        const ifaces = await pve.guestInterfaces(node, vmid, signal);
        ip = ifaces ? pickGuestIpv4(ifaces) : undefined;
        if (ip || now() >= deadline) break;
        await sleep(options.pollIntervalMs ?? 2000, signal);
      }
      if (!ip) {
        throw new AutomationError(
          'proxmox_failed',
          `VM ${vmid} reported no IPv4 through the guest agent within ${a.wait_for_ip_s ?? 300} s`,
        );
      }
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

/** Re-export for handler authors who want the raw action type. */
export type ProvisionVmAction = automation.ActionOf<'provision_vm'>;
