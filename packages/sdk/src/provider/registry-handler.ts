import { type automation, formatPath, type registry, safeParseContract } from '@fieldops/contracts';
import type { CloudEvent } from '@fieldops/contracts/events/v1';
import { ListDevicesQuery, REGISTRY_API } from '@fieldops/contracts/registry/v1';
import { ProviderError } from './errors.js';
import { createContractHandler, type FetchHandler, type ProviderHandlerOptions } from './http.js';
import { createMemoryIdempotencyStore } from './idempotency-store.js';
import type { RegistryBackend } from './registry-backend.js';
import { buildDeviceChangedEvent, type DeviceChange } from './registry-device-event.js';

/** Options of {@link createRegistryHandler}. */
export interface RegistryHandlerOptions extends ProviderHandlerOptions {
  backend: RegistryBackend;
  /**
   * Where `io.fieldops.registry.device.changed.v1` goes after each device write (an `@fieldops/bus`
   * Outbox fits). The handler appends right after the backend's write, outside its transaction, so a
   * crash between the two loses the event: prefer a backend that appends in its own write transaction
   * (`createSqlRegistryBackend({ events })`); with such a backend this option is refused.
   */
  events?: { append(event: CloudEvent): Promise<unknown> };
  /** CloudEvents `source` of those events; default `/registry`. */
  eventSource?: string;
}

/**
 * A Fetch API handler implementing the registry API over `backend`: validated input, ETag / If-Match
 * (412), Idempotency-Key replay / 422 / 409, and ErrorBody answers.
 */
export function createRegistryHandler(options: RegistryHandlerOptions): FetchHandler {
  const { backend } = options;
  if (options.events && backend.appendsDeviceEvents) {
    throw new TypeError(
      'registry: the backend appends device.changed events in its own write transaction; do not pass `events` to the handler as well',
    );
  }
  const changed = async (d: registry.Device, change: DeviceChange): Promise<void> => {
    if (!options.events) return;
    await options.events.append(buildDeviceChangedEvent(d, change, options.eventSource));
  };
  const authenticate =
    options.authenticate ??
    (backend.isValidToken
      ? async (token: string | undefined) => !!token && (await backend.isValidToken!(token))
      : undefined);
  const conditions = (r: Request) => ({
    ifMatch: r.headers.get('if-match') ?? undefined,
    ifNoneMatch: r.headers.get('if-none-match') ?? undefined,
  });
  const withEtag = (d: registry.Device) => (d.etag ? { etag: d.etag } : undefined);
  return createContractHandler(
    REGISTRY_API,
    {
      listDevices: async ({ query }) => {
        const parsed = safeParseContract(ListDevicesQuery, Object.fromEntries(query));
        if (!parsed.success) {
          throw new ProviderError(400, 'invalid_request', 'registry: invalid query', {
            contract: parsed.error.contract,
            details: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
          });
        }
        return { status: 200, body: await backend.listDevices(parsed.data) };
      },
      getDevice: async ({ params }) => {
        const d = await backend.getDevice(params.device_id!);
        return { status: 200, body: d, headers: withEtag(d) };
      },
      upsertDevice: async ({ params, body, request }) => {
        const r = await backend.putDevice(
          params.device_id!,
          body as registry.DeviceUpsert,
          conditions(request),
        );
        await changed(r.device, r.created ? 'created' : 'updated');
        return { status: r.created ? 201 : 200, body: r.device, headers: withEtag(r.device) };
      },
      patchObservedState: async ({ params, body, request }) => {
        const d = await backend.patchObservedState(
          params.device_id!,
          body as registry.ObservedStatePatch,
          conditions(request),
        );
        await changed(d, 'observed_state_changed');
        return { status: 200, body: d, headers: withEtag(d) };
      },
      getDeploymentSpec: async ({ params }) => ({
        status: 200,
        body: await backend.getDeploymentSpec(params.deployment_id!),
      }),
      createAutomationRun: async ({ body }) => ({
        status: 201,
        body: await backend.createRun(body as automation.RunRecord),
      }),
      updateAutomationRun: async ({ params, body }) => ({
        status: 200,
        body: await backend.updateRun(params.automation_run_id!, body as automation.RunUpdate),
      }),
      createTicket: async ({ body }) => ({
        status: 201,
        body: await backend.createTicket(body as registry.TicketCreate),
      }),
      getHealth: async () => {
        const h = await backend.health();
        return { status: h.status === 'down' ? 503 : 200, body: h };
      },
    },
    {
      ...options,
      ...(authenticate ? { authenticate } : {}),
      idempotency: options.idempotency ?? createMemoryIdempotencyStore(),
    },
  );
}
