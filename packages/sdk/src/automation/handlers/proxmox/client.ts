import type { Clock } from '@fieldops/core';
import { revealSecret, type SecretLike } from '@fieldops/core/secrets';
import { clockOf } from '../../../internal/clock.js';
import { AutomationError } from '../../errors.js';
import { defaultSleep, type Sleep } from '../../retry.js';

/** Options of {@link createProxmoxClient}. */
export interface ProxmoxClientOptions {
  /** `https://pve.lan:8006` (the `/api2/json` prefix is added). */
  apiUrl: string;
  /** `user@realm!tokenid`. */
  tokenId: string;
  tokenSecret: string | SecretLike;
  fetch?: typeof fetch;
  sleep?: Sleep;
  /** The clock (core's `Clock`) for deadlines. Default: the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => number;
  /** Pause between task / guest-agent polls (default 2000 ms). */
  pollIntervalMs?: number;
  /**
   * Redacts text before it is cut to length in an error (default: removes the token secret). The
   * handler passes the run's redactor, so every resolved secret is caught whole.
   */
  redact?: (text: string) => string;
}

/** The VM's run state (`GET /nodes/{node}/qemu/{vmid}/status/current`, field `status`). */
export type VmRunState = 'running' | 'stopped' | (string & {});

/** Longest Proxmox-provided text kept in an error message (after redaction). */
const MAX_DETAIL = 300;

/** A guest network interface as the QEMU guest agent reports it. */
export interface GuestInterface {
  name: string;
  'hardware-address'?: string;
  'ip-addresses'?: { 'ip-address': string; 'ip-address-type': 'ipv4' | 'ipv6'; prefix?: number }[];
}

/** The few Proxmox VE API calls a VM provisioning needs. */
export interface ProxmoxClient {
  nextVmid(signal?: AbortSignal): Promise<number>;
  /** The VM's config, or undefined when there is no such VM. */
  getConfig(node: string, vmid: number, signal?: AbortSignal): Promise<Record<string, unknown> | undefined>;
  /** Clones `templateVmid`; returns the task's UPID. */
  clone(
    node: string,
    templateVmid: number,
    params: { newid: number; name: string; full?: boolean },
    signal?: AbortSignal,
  ): Promise<string>;
  /** Sets config keys; returns a UPID when Proxmox runs it as a task. */
  setConfig(
    node: string,
    vmid: number,
    params: Record<string, string | number>,
    signal?: AbortSignal,
  ): Promise<string | undefined>;
  /** Grows a disk to `size` (e.g. `64G`); returns a UPID when Proxmox runs it as a task. */
  resize(
    node: string,
    vmid: number,
    disk: string,
    size: string,
    signal?: AbortSignal,
  ): Promise<string | undefined>;
  start(node: string, vmid: number, signal?: AbortSignal): Promise<string>;
  /** The VM's current run state. */
  runState(node: string, vmid: number, signal?: AbortSignal): Promise<VmRunState>;
  /**
   * Waits for a task to stop and returns its exit status: `OK` or `WARNINGS: n` (both success, as in
   * Proxmox's `upid_status_is_error`); throws for any other exit status.
   */
  waitForTask(
    node: string,
    upid: string,
    options?: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<string>;
  /** The guest agent's interfaces, or undefined while the agent does not answer yet. */
  guestInterfaces(node: string, vmid: number, signal?: AbortSignal): Promise<GuestInterface[] | undefined>;
}

const enc = encodeURIComponent;

/**
 * True when a task's exit status is a failure. Mirrors `upid_status_is_error` in Proxmox's
 * pve-common (src/PVE/Tools.pm): `!($status eq 'OK' || $status =~ m/^WARNINGS: \d+$/)`.
 */
export function isTaskExitError(exitstatus: string | undefined): boolean {
  return !(exitstatus === 'OK' || /^WARNINGS: \d+$/.test(exitstatus ?? ''));
}

/**
 * True when Proxmox answered that the VM's configuration does not exist. pve-guest-common
 * (src/PVE/AbstractConfig.pm, `load_config`) dies with "Configuration file '…' does not exist"; the API
 * server answers 500 with that text as the status line and, in the JSON body, as `message`
 * (pve-http-server src/PVE/APIServer/Formatter/Standard.pm, `prepare_response_data`).
 */
export function isConfigMissing(status: number, message: string | undefined): boolean {
  return status === 500 && /^Configuration file '[^']*' does not exist\s*$/.test(message ?? '');
}

/** A TLS error code from a failed fetch (undici wraps it in `cause`). */
function tlsErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS/.test(code)
    )
      return code;
  }
  return undefined;
}

/** A Proxmox VE API client using token auth (`Authorization: PVEAPIToken=USER@REALM!TOKENID=SECRET`). */
export function createProxmoxClient(options: ProxmoxClientOptions): ProxmoxClient {
  const base = `${options.apiUrl.replace(/\/+$/, '')}/api2/json`;
  const sleep = options.sleep ?? defaultSleep;
  const clock = clockOf(options);
  const now = () => clock.now();
  const poll = options.pollIntervalMs ?? 2000;
  const redact =
    options.redact ??
    ((text: string) => {
      const secret = revealSecret(options.tokenSecret);
      return secret ? text.split(secret).join('[redacted]') : text;
    });
  // Redact first, then cut: a secret cut in half would no longer be recognised.
  const clip = (text: string) => {
    const clean = redact(text);
    return clean.length > MAX_DETAIL ? `${clean.slice(0, MAX_DETAIL - 1)}…` : clean;
  };

  async function call(
    method: 'GET' | 'POST' | 'PUT',
    template: string,
    path: string,
    params?: Record<string, string | number>,
    signal?: AbortSignal,
    allow: number[] = [],
  ): Promise<{ status: number; data: unknown; message: string | undefined }> {
    const headers: Record<string, string> = {
      Authorization: `PVEAPIToken=${options.tokenId}=${revealSecret(options.tokenSecret)}`,
      Accept: 'application/json',
    };
    let body: string | undefined;
    if (params && method !== 'GET') {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(
        Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
    }
    let res: Response;
    try {
      res = await (options.fetch ?? globalThis.fetch)(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (cause) {
      if (signal?.aborted) throw signal.reason ?? cause;
      if (cause instanceof AutomationError) throw cause;
      const tls = tlsErrorCode(cause);
      if (tls) {
        throw new AutomationError(
          'proxmox_failed',
          `proxmox ${method} ${template}: the server's certificate was refused (${tls}); trust it with the handler's tls.caFile (the cluster CA, /etc/pve/pve-root-ca.pem) or tls.fingerprint256`,
          { retryable: false, cause },
        );
      }
      throw new AutomationError('proxmox_failed', `proxmox ${method} ${template} did not answer`, { cause });
    }
    const text = await res.text();
    let json: { data?: unknown; errors?: Record<string, string>; message?: string } = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      // Proxmox answers some errors with a bare status line; the status says enough.
    }
    const message = typeof json.message === 'string' ? json.message : res.statusText || undefined;
    if (!res.ok && !allow.includes(res.status)) {
      const detail = json.errors
        ? Object.entries(json.errors)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')
        : message?.trim();
      throw new AutomationError(
        'proxmox_failed',
        `proxmox ${method} ${template} answered ${res.status}${detail ? `: ${clip(String(detail))}` : ''}`,
        { status: res.status, retryable: res.status >= 500 || res.status === 429 },
      );
    }
    return { status: res.status, data: json.data, message };
  }

  const upidOf = (data: unknown) => (typeof data === 'string' && data.startsWith('UPID:') ? data : undefined);

  return {
    async nextVmid(signal) {
      const { data } = await call('GET', '/cluster/nextid', '/cluster/nextid', undefined, signal);
      const id = Number(data);
      if (!Number.isInteger(id))
        throw new AutomationError('proxmox_failed', 'proxmox /cluster/nextid answered no id');
      return id;
    },
    async getConfig(node, vmid, signal) {
      const r = await call(
        'GET',
        '/nodes/{node}/qemu/{vmid}/config',
        `/nodes/${enc(node)}/qemu/${vmid}/config`,
        undefined,
        signal,
        [500],
      );
      if (r.status === 200) return (r.data ?? {}) as Record<string, unknown>;
      // Only Proxmox's "does not exist" means absent; any other 500 is a failure to read.
      if (isConfigMissing(r.status, r.message)) return undefined;
      throw new AutomationError(
        'proxmox_failed',
        `proxmox GET /nodes/{node}/qemu/{vmid}/config answered ${r.status}${r.message ? `: ${clip(r.message.trim())}` : ''}`,
        { status: r.status, retryable: true },
      );
    },
    async clone(node, templateVmid, params, signal) {
      const { data } = await call(
        'POST',
        '/nodes/{node}/qemu/{vmid}/clone',
        `/nodes/${enc(node)}/qemu/${templateVmid}/clone`,
        {
          newid: params.newid,
          name: params.name,
          ...(params.full !== undefined ? { full: params.full ? 1 : 0 } : {}),
        },
        signal,
      );
      const upid = upidOf(data);
      if (!upid) throw new AutomationError('proxmox_failed', 'proxmox clone answered no task id');
      return upid;
    },
    async setConfig(node, vmid, params, signal) {
      const { data } = await call(
        'POST',
        '/nodes/{node}/qemu/{vmid}/config',
        `/nodes/${enc(node)}/qemu/${vmid}/config`,
        params,
        signal,
      );
      return upidOf(data);
    },
    async resize(node, vmid, disk, size, signal) {
      const { data } = await call(
        'PUT',
        '/nodes/{node}/qemu/{vmid}/resize',
        `/nodes/${enc(node)}/qemu/${vmid}/resize`,
        { disk, size },
        signal,
      );
      return upidOf(data);
    },
    async start(node, vmid, signal) {
      const { data } = await call(
        'POST',
        '/nodes/{node}/qemu/{vmid}/status/start',
        `/nodes/${enc(node)}/qemu/${vmid}/status/start`,
        {},
        signal,
      );
      const upid = upidOf(data);
      if (!upid) throw new AutomationError('proxmox_failed', 'proxmox start answered no task id');
      return upid;
    },
    async runState(node, vmid, signal) {
      const { data } = await call(
        'GET',
        '/nodes/{node}/qemu/{vmid}/status/current',
        `/nodes/${enc(node)}/qemu/${vmid}/status/current`,
        undefined,
        signal,
      );
      const status = (data as { status?: unknown } | undefined)?.status;
      if (typeof status !== 'string')
        throw new AutomationError('proxmox_failed', 'proxmox status/current answered no status');
      return status;
    },
    async waitForTask(node, upid, opts = {}) {
      const deadline = opts.timeoutMs !== undefined ? now() + opts.timeoutMs : Number.POSITIVE_INFINITY;
      for (;;) {
        const { data } = await call(
          'GET',
          '/nodes/{node}/tasks/{upid}/status',
          `/nodes/${enc(node)}/tasks/${enc(upid)}/status`,
          undefined,
          opts.signal,
        );
        const task = (data ?? {}) as { status?: string; exitstatus?: string; type?: string };
        if (task.status === 'stopped') {
          if (!isTaskExitError(task.exitstatus)) return task.exitstatus as string;
          throw new AutomationError(
            'proxmox_failed',
            `proxmox task ${task.type ?? upid} failed: ${clip(String(task.exitstatus ?? 'unknown exit status'))}`,
          );
        }
        if (now() >= deadline)
          throw new AutomationError(
            'proxmox_failed',
            `proxmox task ${task.type ?? upid} still running after ${opts.timeoutMs} ms`,
          );
        await sleep(poll, opts.signal);
      }
    },
    async guestInterfaces(node, vmid, signal) {
      // 500 "QEMU guest agent is not running" until the guest has booted: not an error yet.
      const r = await call(
        'GET',
        '/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces',
        `/nodes/${enc(node)}/qemu/${vmid}/agent/network-get-interfaces`,
        undefined,
        signal,
        [500],
      );
      if (r.status !== 200) return undefined;
      const result = (r.data as { result?: GuestInterface[] } | undefined)?.result;
      return Array.isArray(result) ? result : undefined;
    },
  };
}

/** The first IPv4 address of a non-loopback interface. */
export function pickGuestIpv4(interfaces: GuestInterface[]): string | undefined {
  for (const iface of interfaces) {
    if (iface.name === 'lo') continue;
    for (const a of iface['ip-addresses'] ?? []) {
      if (
        a['ip-address-type'] === 'ipv4' &&
        !a['ip-address'].startsWith('127.') &&
        !a['ip-address'].startsWith('169.254.')
      ) {
        return a['ip-address'];
      }
    }
  }
  return undefined;
}
