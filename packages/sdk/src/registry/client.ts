import type { automation, registry } from '@fieldops/contracts';
import { type paths, REGISTRY_API } from '@fieldops/contracts/registry/v1';
import { createTransport } from '../transport/transport.js';
import type { DeviceWithEtag, RegistryClient, RegistryClientOptions } from './types.js';

// Bodies are the contracts' zod output types; openapi-fetch wants the generated OpenAPI types.
// They describe the same JSON, so the cast is only about branded ids.
const asBody = <T>(value: T) => value as never;

/** Creates a typed client of the registry API. */
export function createRegistryClient(options: RegistryClientOptions): RegistryClient {
  const t = createTransport<paths>(REGISTRY_API, options);
  const c = t.client;

  async function listDevicePage(query: registry.ListDevicesQuery = {}): Promise<registry.DevicePage> {
    const r = await t.call<registry.DevicePage>('listDevices', (init) =>
      c.GET('/api/v1/devices', { params: { query: asBody(query) }, ...init }),
    );
    return r.data;
  }

  return {
    listDevicePage,
    async *listDevices(query = {}) {
      let cursor = query.cursor;
      for (;;) {
        const page = await listDevicePage({ ...query, ...(cursor ? { cursor } : {}) });
        yield* page.items;
        if (!page.next_cursor) return;
        cursor = page.next_cursor;
      }
    },
    async getDevice(deviceId) {
      const r = await t.call<registry.Device>(
        'getDevice',
        (init) =>
          c.GET('/api/v1/devices/{device_id}', { params: { path: { device_id: deviceId } }, ...init }),
        { target: deviceId },
      );
      return { device: r.data, etag: r.response.headers.get('ETag') ?? r.data.etag };
    },
    async upsertDevice(deviceId, body, opts = {}) {
      const header: Record<string, string> = {};
      if (opts.ifMatch) header['If-Match'] = opts.ifMatch;
      if (opts.createOnly) header['If-None-Match'] = '*';
      const r = await t.call<registry.Device>(
        'upsertDevice',
        (init) =>
          c.PUT('/api/v1/devices/{device_id}', {
            params: { path: { device_id: deviceId }, header },
            body: asBody(body),
            ...init,
          }),
        { target: deviceId },
      );
      const out: DeviceWithEtag & { created: boolean } = {
        device: r.data,
        etag: r.response.headers.get('ETag') ?? r.data.etag,
        created: r.status === 201,
      };
      return out;
    },
    async patchObservedState(deviceId, patch, opts = {}) {
      const header: Record<string, string> = {};
      if (opts.ifMatch) header['If-Match'] = opts.ifMatch;
      const r = await t.call<registry.Device>(
        'patchObservedState',
        (init) =>
          c.PATCH('/api/v1/devices/{device_id}/observed-state', {
            params: { path: { device_id: deviceId }, header },
            body: asBody(patch),
            ...init,
          }),
        { target: deviceId },
      );
      return r.data;
    },
    async getDeploymentSpec(deploymentId) {
      const r = await t.call<automation.ExecutionSpec>(
        'getDeploymentSpec',
        (init) =>
          c.GET('/api/v1/deployments/{deployment_id}/spec', {
            params: { path: { deployment_id: deploymentId } },
            ...init,
          }),
        { target: deploymentId },
      );
      return r.data;
    },
    async createAutomationRun(run, opts = {}) {
      const r = await t.call<automation.RunRecord>(
        'createAutomationRun',
        (init) => c.POST('/api/v1/automation-runs', { body: asBody(run), ...init }),
        { target: run.automation_run_id, idempotencyKey: opts.idempotencyKey },
      );
      return r.data;
    },
    async updateAutomationRun(runId, update, opts = {}) {
      const r = await t.call<automation.RunRecord>(
        'updateAutomationRun',
        (init) =>
          c.PATCH('/api/v1/automation-runs/{automation_run_id}', {
            params: { path: { automation_run_id: runId } },
            body: asBody(update),
            ...init,
          }),
        { target: runId, idempotencyKey: opts.idempotencyKey },
      );
      return r.data;
    },
    async createTicket(ticket, opts = {}) {
      const r = await t.call<registry.Ticket>(
        'createTicket',
        (init) => c.POST('/api/v1/tickets', { body: asBody(ticket), ...init }),
        { idempotencyKey: opts.idempotencyKey },
      );
      return r.data;
    },
    async health() {
      const r = await t.call<registry.Health>('getHealth', (init) => c.GET('/api/v1/health', { ...init }));
      return r.data;
    },
  };
}
