import type { automation, registry } from '@fieldops/contracts';
import type { Clock } from '@fieldops/core';
import { clockOf } from '../internal/clock.js';
import { ProviderError } from './errors.js';
import {
  applyRunUpdate,
  buildPatchedDevice,
  buildPutDevice,
  checkIfMatch,
  checkPut,
} from './registry-writes.js';

/** Conditions of a device write: the `If-Match` ETag and `If-None-Match: *`. */
export interface WriteConditions {
  ifMatch?: string | undefined;
  ifNoneMatch?: string | undefined;
}

/**
 * What a service implementing the registry API provides (the CRM). The handler does HTTP,
 * validation and idempotency; methods throw ProviderError for 404 / 409 / 412.
 */
export interface RegistryBackend {
  listDevices(query: registry.ListDevicesQuery): Promise<registry.DevicePage>;
  getDevice(deviceId: string): Promise<registry.Device>;
  putDevice(
    deviceId: string,
    body: registry.DeviceUpsert,
    conditions: WriteConditions,
  ): Promise<{ device: registry.Device; created: boolean }>;
  patchObservedState(
    deviceId: string,
    patch: registry.ObservedStatePatch,
    conditions: WriteConditions,
  ): Promise<registry.Device>;
  getDeploymentSpec(deploymentId: string): Promise<automation.ExecutionSpec>;
  createRun(run: automation.RunRecord): Promise<automation.RunRecord>;
  updateRun(runId: string, update: automation.RunUpdate): Promise<automation.RunRecord>;
  createTicket(ticket: registry.TicketCreate): Promise<registry.Ticket>;
  health(): Promise<registry.Health>;
  isValidToken?(token: string): boolean | Promise<boolean>;
  /**
   * True when the backend appends `io.fieldops.registry.device.changed.v1` itself, in the transaction of
   * the write (see `createSqlRegistryBackend`); the handler then appends none.
   */
  readonly appendsDeviceEvents?: boolean;
}

/** Options of {@link createMemoryRegistryBackend}. */
export interface MemoryRegistryBackendOptions {
  /** Accepted bearer tokens; when empty every token (and none) is accepted. */
  apiTokens?: readonly string[];
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => number;
}

/** The in-memory registry backend with seeding and inspection helpers. */
export interface MemoryRegistryBackend extends RegistryBackend {
  /** Stores an execution spec for `getDeploymentSpec`. */
  putDeploymentSpec(spec: automation.ExecutionSpec): void;
  /** Every device, by id. */
  devices(): registry.Device[];
  /** Every run, by id. */
  runs(): automation.RunRecord[];
  /** Every ticket opened. */
  tickets(): registry.Ticket[];
  /** Back to empty. */
  reset(): void;
}

const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
const decodeCursor = (c: string) => Buffer.from(c, 'base64url').toString('utf8');

/** Creates an in-memory RegistryBackend. */
export function createMemoryRegistryBackend(
  options: MemoryRegistryBackendOptions = {},
): MemoryRegistryBackend {
  const clock = clockOf(options);
  const now = () => clock.now();
  const iso = () => new Date(now()).toISOString();
  let devices = new Map<string, registry.Device>();
  let specs = new Map<string, automation.ExecutionSpec>();
  let runs = new Map<string, automation.RunRecord>();
  let tickets: registry.Ticket[] = [];
  let revision = 0;
  const tokens = new Set(options.apiTokens ?? []);
  const nextEtag = () => `"r${(++revision).toString(36)}"`;

  function device(id: string): registry.Device {
    const d = devices.get(id);
    if (!d) throw new ProviderError(404, 'not_found', `registry: no device ${id}`);
    return d;
  }
  return {
    async listDevices(q) {
      const limit = q.limit ?? 100;
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      const all = [...devices.values()]
        .filter(
          (d) =>
            (!q.site_id || d.site_id === q.site_id) &&
            (!q.deployment_id || d.deployment_id === q.deployment_id) &&
            (!q.customer_id || d.customer_id === q.customer_id) &&
            (!q.role || d.role === q.role) &&
            (!after || d.device_id > after),
        )
        .sort((a, b) => (a.device_id < b.device_id ? -1 : 1));
      const items = all.slice(0, limit);
      const last = items[items.length - 1];
      return { items, next_cursor: all.length > limit && last ? encodeCursor(last.device_id) : null };
    },
    async getDevice(id) {
      return device(id);
    },
    async putDevice(id, body, c) {
      const existing = devices.get(id);
      checkPut(id, body, existing, c);
      const d = buildPutDevice(body, existing, iso(), nextEtag());
      devices.set(id, d);
      return { device: d, created: !existing };
    },
    async patchObservedState(id, patch, c) {
      const d = device(id);
      checkIfMatch(d, c);
      const next = buildPatchedDevice(d, patch, iso(), nextEtag);
      devices.set(id, next);
      return next;
    },
    async getDeploymentSpec(id) {
      const s = specs.get(id);
      if (!s) throw new ProviderError(404, 'not_found', `registry: no deployment ${id}`);
      return s;
    },
    async createRun(run) {
      if (runs.has(run.automation_run_id)) {
        throw new ProviderError(409, 'already_exists', `registry: run ${run.automation_run_id} exists`);
      }
      runs.set(run.automation_run_id, run);
      return run;
    },
    async updateRun(id, u) {
      const r = runs.get(id);
      if (!r) throw new ProviderError(404, 'not_found', `registry: no run ${id}`);
      const next = applyRunUpdate(r, u);
      runs.set(id, next);
      return next;
    },
    async createTicket(t) {
      const ticket: registry.Ticket = {
        ticket_id: `TCK-${tickets.length + 1}`,
        status: 'open',
        created_at: iso(),
        title: t.title,
        severity: t.severity,
      };
      tickets.push(ticket);
      return ticket;
    },
    async health() {
      return { status: 'ok', version: '1', time: iso() };
    },
    ...(tokens.size ? { isValidToken: (t: string) => tokens.has(t) } : {}),
    putDeploymentSpec: (spec) => {
      specs.set(spec.deployment_id, spec);
    },
    devices: () => [...devices.values()],
    runs: () => [...runs.values()],
    tickets: () => [...tickets],
    reset() {
      devices = new Map();
      specs = new Map();
      runs = new Map();
      tickets = [];
    },
  };
}
