import type { automation, registry } from '@fieldops/contracts';
import { ProviderError } from './errors.js';

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
}

/** Options of {@link createMemoryRegistryBackend}. */
export interface MemoryRegistryBackendOptions {
  /** Accepted bearer tokens; when empty every token (and none) is accepted. */
  apiTokens?: readonly string[];
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
  const now = options.now ?? Date.now;
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
  // If-Match may list several entity tags (RFC 9110 §13.1.1); any one matching is enough.
  const matches = (etag: string | undefined, header: string) =>
    etag !== undefined && header.split(',').some((t) => t.trim() === etag);
  function checkIfMatch(d: registry.Device | undefined, c: WriteConditions) {
    if (c.ifMatch !== undefined && c.ifMatch !== '*' && !matches(d?.etag, c.ifMatch)) {
      throw new ProviderError(
        412,
        'precondition_failed',
        'registry: the record changed since it was read (If-Match)',
      );
    }
    if (c.ifMatch === '*' && !d)
      throw new ProviderError(412, 'precondition_failed', 'registry: no record to match (If-Match: *)');
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
      if (c.ifNoneMatch === '*' && existing) {
        throw new ProviderError(
          412,
          'precondition_failed',
          `registry: device ${id} exists (If-None-Match: *)`,
        );
      }
      checkIfMatch(existing, c);
      if (body.device_id !== id) {
        throw new ProviderError(
          400,
          'invalid_request',
          'registry: device_id in the body differs from the path',
          {
            details: [{ path: 'device_id', message: 'must equal the device_id of the path' }],
          },
        );
      }
      const t = iso();
      const d: registry.Device = {
        ...body,
        created_at: existing?.created_at ?? t,
        updated_at: t,
        etag: nextEtag(),
      };
      if (existing?.observed_state && !body.observed_state) d.observed_state = existing.observed_state;
      devices.set(id, d);
      return { device: d, created: !existing };
    },
    async patchObservedState(id, patch, c) {
      const d = device(id);
      checkIfMatch(d, c);
      const current = d.observed_state?.version ?? 0;
      if (patch.expected_version !== undefined && patch.expected_version !== current) {
        throw new ProviderError(
          412,
          'precondition_failed',
          `registry: observed_state is at version ${current}, not ${patch.expected_version}`,
        );
      }
      const refs = patch.external_refs;
      const next: registry.Device = {
        ...d,
        observed_state: {
          version: current + 1,
          updated_at: patch.observed_at,
          updated_by: patch.source,
          data: patch.data,
        },
        external_refs: {
          ...d.external_refs,
          ...(refs?.chirpstack ? { chirpstack: { ...d.external_refs.chirpstack, ...refs.chirpstack } } : {}),
          ...(refs?.rfid ? { rfid: { ...d.external_refs.rfid, ...refs.rfid } } : {}),
        },
        updated_at: iso(),
        etag: nextEtag(),
      };
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
      const steps = [...r.steps];
      for (const s of u.steps ?? []) {
        const i = steps.findIndex((x) => x.step_id === s.step_id);
        if (i >= 0) steps[i] = s;
        else steps.push(s);
      }
      const next: automation.RunRecord = {
        ...r,
        ...(u.status ? { status: u.status } : {}),
        ...(u.started_at ? { started_at: u.started_at } : {}),
        ...(u.finished_at ? { finished_at: u.finished_at } : {}),
        ...(u.duration_ms !== undefined ? { duration_ms: u.duration_ms } : {}),
        ...(u.ticket_id ? { ticket_id: u.ticket_id } : {}),
        timeline: [...r.timeline, ...(u.timeline ?? [])],
        links: [...r.links, ...(u.links ?? [])],
        steps,
      };
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
