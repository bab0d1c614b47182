import type { automation, registry } from '@fieldops/contracts';
import type { TransportOptions } from '../transport/transport.js';

/** Options of {@link createRegistryClient}: the shared transport options. */
export interface RegistryClientOptions extends TransportOptions {}

/** A device with the ETag of the revision read. */
export interface DeviceWithEtag {
  device: registry.Device;
  etag: string | undefined;
}

/** Typed client of the registry API (`@fieldops/contracts/registry/v1`). */
export interface RegistryClient {
  /** Every device matching `query`, following `next_cursor` page by page. */
  listDevices(query?: registry.ListDevicesQuery): AsyncIterable<registry.Device>;
  /** One page of devices. */
  listDevicePage(query?: registry.ListDevicesQuery): Promise<registry.DevicePage>;
  /** One device and its ETag; NotFoundError when there is none. */
  getDevice(deviceId: string): Promise<DeviceWithEtag>;
  /**
   * Creates or replaces a device. `ifMatch` makes it conditional on the revision read
   * (PreconditionFailedError on a mismatch); `createOnly` refuses to replace an existing record.
   */
  upsertDevice(
    deviceId: string,
    body: registry.DeviceUpsert,
    options?: { ifMatch?: string; createOnly?: boolean },
  ): Promise<DeviceWithEtag & { created: boolean }>;
  /** Records observed state; never retried (PATCH without an idempotency key). */
  patchObservedState(
    deviceId: string,
    patch: registry.ObservedStatePatch,
    options?: { ifMatch?: string },
  ): Promise<registry.Device>;
  /** The execution spec of a deployment. */
  getDeploymentSpec(deploymentId: string): Promise<automation.ExecutionSpec>;
  /** Writes back a new automation run (Idempotency-Key made once, reused by retries). */
  createAutomationRun(
    run: automation.RunRecord,
    options?: { idempotencyKey?: string },
  ): Promise<automation.RunRecord>;
  /** Appends to a run's timeline and steps. */
  updateAutomationRun(
    runId: string,
    update: automation.RunUpdate,
    options?: { idempotencyKey?: string },
  ): Promise<automation.RunRecord>;
  /** Opens a ticket. */
  createTicket(
    ticket: registry.TicketCreate,
    options?: { idempotencyKey?: string },
  ): Promise<registry.Ticket>;
  /** Health of the registry API (no token needed). */
  health(): Promise<registry.Health>;
}
