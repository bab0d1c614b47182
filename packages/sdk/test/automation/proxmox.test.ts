import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runSpec } from '../../src/automation/index.js';
import { createEnvProvider, createSecretResolver } from '../../src/secrets/index.js';
import { buildSpec, CANARY, captureLogger, proxmoxMock } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const action = {
  id: 'vm',
  kind: 'provision_vm',
  proxmox: {
    api_url: 'https://pve.test:8006',
    node: 'pve1',
    token_id: 'automation@pve!fieldops',
    token_secret_ref: 'env:PVE_TOKEN',
  },
  template_vmid: 9000,
  vm_name: 'bkk-01-edge',
  cores: 4,
  memory_mb: 8192,
  disk_gb: 64,
  bridge: 'vmbr0',
  vlan: 20,
  wait_for_ip_s: 60,
};

const secrets = () =>
  createSecretResolver({ providers: [createEnvProvider({ env: { PVE_TOKEN: CANARY } })] });
const noSleep = async () => {};

describe('provision_vm over the Proxmox VE API', () => {
  it('clones, sizes, starts and waits for the guest agent IP, with token auth', async () => {
    const pve = proxmoxMock({ tokenId: 'automation@pve!fieldops', tokenSecret: CANARY, nextId: 131 });
    server.use(...pve.handlers);
    const { lines, logger } = captureLogger();
    const result = await runSpec(buildSpec([action]), {
      secrets: secrets(),
      logger,
      sleep: noSleep,
      handlers: {},
    });
    expect(result.status).toBe('succeeded');
    expect(result.record.steps[0]).toMatchObject({
      status: 'succeeded',
      outputs: { vmid: 131, node: 'pve1', name: 'bkk-01-edge', ip: '10.20.0.15' },
    });
    expect(pve.calls.filter((c) => !c.includes('/tasks/'))).toEqual([
      'GET /cluster/nextid',
      'GET /nodes/pve1/qemu/131/config',
      'POST /nodes/pve1/qemu/9000/clone',
      'GET /nodes/pve1/qemu/131/config',
      'POST /nodes/pve1/qemu/131/config',
      'PUT /nodes/pve1/qemu/131/resize',
      'GET /nodes/pve1/qemu/131/status/current',
      'POST /nodes/pve1/qemu/131/status/start',
      'GET /nodes/pve1/qemu/131/agent/network-get-interfaces',
      'GET /nodes/pve1/qemu/131/agent/network-get-interfaces',
      'GET /nodes/pve1/qemu/131/agent/network-get-interfaces',
    ]);
    expect(pve.bodies).toEqual([
      { op: 'clone', newid: '131', name: 'bkk-01-edge', full: '1' },
      { op: 'config', cores: '4', memory: '8192', agent: '1', net0: 'virtio,bridge=vmbr0,tag=20' },
      { op: 'resize', disk: 'scsi0', size: '64G' },
    ]);
    expect(lines.join('\n')).not.toContain(CANARY);
  });

  it('fails the step when the clone task ends in error, naming the task', async () => {
    const pve = proxmoxMock({
      tokenId: 'automation@pve!fieldops',
      tokenSecret: CANARY,
      cloneExit: 'clone failed: storage local-lvm full',
    });
    server.use(...pve.handlers);
    const result = await runSpec(buildSpec([{ ...action, vmid: 140 }]), {
      secrets: secrets(),
      sleep: noSleep,
    });
    expect(result.status).toBe('failed');
    expect(result.record.steps[0]?.error).toEqual({
      code: 'proxmox_failed',
      message: '@fieldops/sdk/automation: proxmox task qmclone failed: clone failed: storage local-lvm full',
    });
  });

  it('resumes on retry: an existing VM of the same name is not cloned again', async () => {
    const pve = proxmoxMock({
      tokenId: 'automation@pve!fieldops',
      tokenSecret: CANARY,
      agentNotReadyPolls: 0,
    });
    pve.vms.set(150, { config: { name: 'bkk-01-edge', cores: 1, memory: 2048 }, running: false });
    server.use(...pve.handlers);
    const result = await runSpec(buildSpec([{ ...action, vmid: 150 }]), {
      secrets: secrets(),
      sleep: noSleep,
    });
    expect(result.status).toBe('succeeded');
    expect(pve.calls).not.toContain('POST /nodes/pve1/qemu/9000/clone');
  });

  it('reports a wrong token as a 401 without the token', async () => {
    const pve = proxmoxMock({ tokenId: 'automation@pve!fieldops', tokenSecret: 'the-right-one' });
    server.use(...pve.handlers);
    const result = await runSpec(buildSpec([{ ...action, vmid: 160 }]), {
      secrets: secrets(),
      sleep: noSleep,
    });
    expect(result.status).toBe('failed');
    expect(result.record.steps[0]?.error?.message).toBe(
      '@fieldops/sdk/automation: proxmox GET /nodes/{node}/qemu/{vmid}/config answered 401: authentication failure',
    );
    expect(JSON.stringify(result.record)).not.toContain(CANARY);
  });

  it('fails when the guest agent never reports an IPv4 before wait_for_ip_s', async () => {
    const pve = proxmoxMock({
      tokenId: 'automation@pve!fieldops',
      tokenSecret: CANARY,
      agentNotReadyPolls: 1000,
    });
    server.use(...pve.handlers);
    let now = 0;
    const { createProvisionVmHandler } = await import('../../src/automation/index.js');
    const handler = createProvisionVmHandler({
      sleep: async (ms) => {
        now += ms;
      },
      clock: { now: () => now },
      pollIntervalMs: 5000,
    });
    const result = await runSpec(buildSpec([{ ...action, vmid: 170 }]), {
      secrets: secrets(),
      handlers: { provision_vm: handler },
    });
    expect(result.record.steps[0]?.error?.message).toContain(
      'VM 170 reported no IPv4 through the guest agent within 60 s',
    );
    const agentPolls = pve.calls.filter((c) => c.endsWith('network-get-interfaces')).length;
    expect(agentPolls).toBe(13); // t = 0, 5, …, 60 s
  });

  it('refuses verify_tls false without a fetch that can skip certificate checks, and does not retry', async () => {
    const pve = proxmoxMock({ tokenId: 'automation@pve!fieldops', tokenSecret: CANARY });
    server.use(...pve.handlers);
    const result = await runSpec(
      buildSpec([
        { ...action, retry: { max_attempts: 3 }, proxmox: { ...action.proxmox, verify_tls: false } },
      ]),
      { secrets: secrets(), sleep: noSleep },
    );
    expect(result.record.steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(result.record.steps[0]?.message).toContain(
      'verify_tls false needs a fetch that skips certificate checks',
    );
    expect(pve.calls).toEqual([]);
  });

  // pve-common src/PVE/Tools.pm (commit 62635f9), upid_status_is_error:
  //   return !($status eq 'OK' || $status =~ m/^WARNINGS: \d+$/);
  // and upid_read_status turns a last line "TASK WARNINGS: 2" into the exit status "WARNINGS: 2".
  it('takes a task that ends with WARNINGS: n as a success and logs the warning', async () => {
    const pve = proxmoxMock({
      tokenId: 'automation@pve!fieldops',
      tokenSecret: CANARY,
      agentNotReadyPolls: 0,
      taskExits: { qmclone: 'WARNINGS: 1', qmstart: 'WARNINGS: 2' },
    });
    server.use(...pve.handlers);
    const { lines, logger } = captureLogger();
    const result = await runSpec(buildSpec([{ ...action, vmid: 180 }]), {
      secrets: secrets(),
      logger,
      sleep: noSleep,
    });
    expect(result.status).toBe('succeeded');
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.msg)).toEqual([
      'clone task ended with WARNINGS: 1',
      'start task ended with WARNINGS: 2',
    ]);
  });

  // qemu-server PVE/QemuServer.pm, vm_start: die "VM $vmid already running\n" if check_running(...)
  // -- a second start is a failed task, so every step reads the VM's state before acting.
  it('resumes a VM that is already configured, sized and running without starting it again', async () => {
    const pve = proxmoxMock({
      tokenId: 'automation@pve!fieldops',
      tokenSecret: CANARY,
      agentNotReadyPolls: 0,
    });
    pve.vms.set(190, {
      config: {
        name: 'bkk-01-edge',
        cores: 4,
        memory: 8192,
        agent: '1',
        net0: 'virtio=BC:24:11:AA:BB:CC,bridge=vmbr0,tag=20',
        scsi0: 'local-lvm:vm-190-disk-0,size=64G',
      },
      running: true,
    });
    server.use(...pve.handlers);
    const result = await runSpec(buildSpec([{ ...action, vmid: 190 }]), {
      secrets: secrets(),
      sleep: noSleep,
    });
    expect(result.status).toBe('succeeded');
    expect(pve.calls).toEqual([
      'GET /nodes/pve1/qemu/190/config',
      'GET /nodes/pve1/qemu/190/status/current',
      'GET /nodes/pve1/qemu/190/agent/network-get-interfaces',
    ]);
  });

  it('a retried step after a start does not start the VM twice', async () => {
    const pve = proxmoxMock({
      tokenId: 'automation@pve!fieldops',
      tokenSecret: CANARY,
      agentNotReadyPolls: 1000,
    });
    server.use(...pve.handlers);
    let now = 0;
    const { createProvisionVmHandler } = await import('../../src/automation/index.js');
    const handler = createProvisionVmHandler({
      sleep: async (ms) => {
        now += ms;
      },
      now: () => now,
      pollIntervalMs: 30_000,
    });
    // Attempt 1 starts the VM and times out waiting for the agent; attempt 2 must not start again.
    const result = await runSpec(
      buildSpec([{ ...action, vmid: 200, wait_for_ip_s: 30, retry: { max_attempts: 2 } }]),
      { secrets: secrets(), handlers: { provision_vm: handler }, sleep: async () => {} },
    );
    expect(result.record.steps[0]).toMatchObject({ status: 'failed', attempts: 2 });
    expect(result.record.steps[0]?.error?.message).toContain('reported no IPv4');
    expect(pve.calls.filter((c) => c.endsWith('/status/start'))).toHaveLength(1);
    expect(pve.calls.filter((c) => c.endsWith('/clone'))).toHaveLength(1);
    expect(pve.calls.filter((c) => c.startsWith('POST /nodes/pve1/qemu/200/config'))).toHaveLength(1);
    expect(pve.calls.filter((c) => c.endsWith('/resize'))).toHaveLength(1);
  });

  // pve-guest-common src/PVE/AbstractConfig.pm, load_config:
  //   die "Configuration file '$cfspath' does not exist\n" if !defined($conf);
  // is the only answer that means "no such VM"; any other 500 is Proxmox failing to answer.
  it('does not clone when reading the config fails with another 500, and retries the step', async () => {
    const pve = proxmoxMock({
      tokenId: 'automation@pve!fieldops',
      tokenSecret: CANARY,
      agentNotReadyPolls: 0,
      configFailures: 1,
    });
    pve.vms.set(210, {
      config: { name: 'bkk-01-edge', cores: 4, memory: 8192, agent: 1 },
      running: false,
    });
    server.use(...pve.handlers);
    const once = await runSpec(buildSpec([{ ...action, vmid: 210 }]), {
      secrets: secrets(),
      sleep: noSleep,
    });
    expect(once.record.steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(once.record.steps[0]?.error?.message).toBe(
      '@fieldops/sdk/automation: proxmox GET /nodes/{node}/qemu/{vmid}/config answered 500: cfs-lock timeout: got lock request timeout',
    );
    expect(pve.calls).toEqual(['GET /nodes/pve1/qemu/210/config']);

    const pve2 = proxmoxMock({
      tokenId: 'automation@pve!fieldops',
      tokenSecret: CANARY,
      agentNotReadyPolls: 0,
      configFailures: 1,
    });
    pve2.vms.set(210, {
      config: { name: 'bkk-01-edge', cores: 4, memory: 8192, agent: 1 },
      running: false,
    });
    server.use(...pve2.handlers);
    const retried = await runSpec(buildSpec([{ ...action, vmid: 210, retry: { max_attempts: 2 } }]), {
      secrets: secrets(),
      sleep: noSleep,
    });
    expect(retried.record.steps[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(pve2.calls.filter((c) => c.endsWith('/clone'))).toEqual([]);
  });
});
