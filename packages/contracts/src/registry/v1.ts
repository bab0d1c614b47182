import { z } from 'zod';
import { ExecutionSpec, RunRecord, RunUpdate } from '../automation/v1.js';
import { CustomerId, DeploymentId, DeviceId, GatewayId, RunId, SiteId, StationId } from '../ids/v1.js';
import { errorBody, eui64, health, jsonObject, labels, mac, semver, timestamp } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import type { ApiContract, ApiParameter } from '../internal/http-api.js';

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('registry', 1, name, schema, description);

/** What a device does in the field. */
export const DeviceRole = c('DeviceRole', z.enum(['gateway', 'sensor', 'station', 'controller']));
export type DeviceRole = z.infer<typeof DeviceRole>;

/** A versioned JSON state document; writers use `version` for optimistic concurrency. */
export const StateDocument = c(
  'StateDocument',
  z.object({
    version: z
      .int()
      .min(0)
      .meta({ description: 'Incremented by every write; a writer sends the version it read.' }),
    updated_at: timestamp(),
    updated_by: z.string().max(200).optional(),
    data: jsonObject().meta({
      description: 'The state itself, as JSON. Never holds secret values: use SecretRefs.',
    }),
  }),
);
export type StateDocument = z.infer<typeof StateDocument>;

/** Where a device is known in other systems. */
export const ExternalRefs = c(
  'ExternalRefs',
  z.object({
    chirpstack: z
      .object({
        dev_eui: eui64('a DevEUI').optional(),
        device_id: z.string().min(1).max(64).optional().meta({
          description:
            'The device key in ChirpStack v4 (its DevEUI) or, for gateways, the gateway id (its EUI).',
        }),
        application_id: z.uuid().optional(),
        tenant_id: z.uuid().optional(),
      })
      .optional(),
    rfid: z
      .object({
        station_id: StationId.optional(),
        mac: mac().optional(),
      })
      .optional(),
  }),
);
export type ExternalRefs = z.infer<typeof ExternalRefs>;

const deviceFields = {
  device_id: DeviceId,
  customer_id: CustomerId,
  site_id: SiteId,
  deployment_id: DeploymentId.optional(),
  gateway_id: GatewayId.optional().meta({
    description: 'Set on records with role `gateway`: the gateway id.',
  }),
  name: z.string().min(1).max(200).optional(),
  product_code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'expected a product code' }),
  product_version: semver(),
  role: DeviceRole,
  desired_state: StateDocument,
  observed_state: StateDocument.optional(),
  external_refs: ExternalRefs,
  labels: labels().optional(),
};

/** The unified device registry record (the CRM is its system of record). */
export const Device = c(
  'Device',
  z
    .object({
      ...deviceFields,
      created_at: timestamp(),
      updated_at: timestamp(),
      etag: z
        .string()
        .optional()
        .meta({ description: 'Entity tag of this revision, also sent as the ETag header.' }),
    })
    .refine((d) => d.role === 'gateway' || d.gateway_id === undefined, {
      error: 'only records with role gateway carry a gateway_id',
      path: ['gateway_id'],
    }),
);
export type Device = z.infer<typeof Device>;

/** Body of `PUT /api/v1/devices/{device_id}`: create or replace (with `If-Match` for updates). */
export const DeviceUpsert = c(
  'DeviceUpsert',
  z.object(deviceFields).refine((d) => d.role === 'gateway' || d.gateway_id === undefined, {
    error: 'only records with role gateway carry a gateway_id',
    path: ['gateway_id'],
  }),
);
export type DeviceUpsert = z.infer<typeof DeviceUpsert>;

/** Body of `PATCH /api/v1/devices/{device_id}/observed-state`. */
export const ObservedStatePatch = c(
  'ObservedStatePatch',
  z.object({
    expected_version: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'The observed_state version the writer read; a mismatch is 412.' }),
    data: jsonObject(),
    source: z.enum(['chirpstack', 'rfid', 'automation', 'manual']),
    observed_at: timestamp(),
    external_refs: ExternalRefs.optional().meta({ description: 'Refs learned while observing (merged in).' }),
  }),
);
export type ObservedStatePatch = z.infer<typeof ObservedStatePatch>;

/** Query of `GET /api/v1/devices`. */
export const ListDevicesQuery = c(
  'ListDevicesQuery',
  z.object({
    cursor: z.string().max(512).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    site_id: SiteId.optional(),
    deployment_id: DeploymentId.optional(),
    customer_id: CustomerId.optional(),
    role: DeviceRole.optional(),
  }),
);
export type ListDevicesQuery = z.infer<typeof ListDevicesQuery>;

/** One page of devices; `next_cursor` is null on the last page. */
export const DevicePage = c(
  'DevicePage',
  z.object({
    items: z.array(Device),
    next_cursor: z.string().nullable(),
  }),
);
export type DevicePage = z.infer<typeof DevicePage>;

/** Body of `POST /api/v1/tickets`. */
export const TicketCreate = c(
  'TicketCreate',
  z.object({
    title: z.string().min(1).max(300),
    body: z.string().max(100_000).meta({ description: 'Markdown.' }),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    deployment_id: DeploymentId.optional(),
    site_id: SiteId.optional(),
    automation_run_id: z.string().optional(),
    device_ids: z.array(DeviceId).optional(),
    labels: z.array(z.string().min(1).max(64)).optional(),
    links: z
      .array(z.object({ rel: z.string().min(1), href: z.string().min(1), title: z.string().optional() }))
      .optional(),
  }),
);
export type TicketCreate = z.infer<typeof TicketCreate>;

/** A ticket as the CRM/PM answers it. */
export const Ticket = c(
  'Ticket',
  z.object({
    ticket_id: z.string().min(1).max(100),
    status: z.enum(['open', 'in_progress', 'resolved', 'closed']),
    url: z.string().optional(),
    created_at: timestamp(),
    title: z.string(),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
  }),
);
export type Ticket = z.infer<typeof Ticket>;

/** The error body of every registry API failure. */
export const ErrorBody = c('ErrorBody', errorBody());
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `GET /api/v1/health`. */
export const Health = c('Health', health());
export type Health = z.infer<typeof Health>;

// ---- the HTTP API ---------------------------------------------------------------------------

const idempotencyKey: ApiParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: z.string().min(8).max(255),
  description: 'Same key + same body replays the first answer; same key + other body is 422.',
};
const ifMatch: ApiParameter = {
  name: 'If-Match',
  in: 'header',
  required: false,
  schema: z.string(),
  description: 'ETag the writer read; a mismatch is 412.',
};
const deviceIdParam: ApiParameter = { name: 'device_id', in: 'path', required: true, schema: DeviceId };
const errors = {
  400: { description: 'The input does not satisfy the contract.', body: ErrorBody },
  401: { description: 'Missing or invalid bearer token.', body: ErrorBody },
} as const;

/** The registry API (owned by the CRM/PM), version 1. */
export const REGISTRY_API: ApiContract = {
  point: 'registry',
  version: 1,
  title: 'fieldops unified device registry API',
  description:
    'The CRM/PM is the system of record; this API exposes its unified device registry to automation.',
  operations: [
    {
      operationId: 'listDevices',
      method: 'get',
      path: '/api/v1/devices',
      summary: 'List devices, one cursor page at a time.',
      idempotent: true,
      parameters: Object.entries(ListDevicesQuery.shape).map(([name, schema]) => ({
        name,
        in: 'query' as const,
        required: false,
        schema: schema as z.ZodType,
      })),
      responses: { 200: { description: 'A page of devices.', body: DevicePage }, ...errors },
    },
    {
      operationId: 'getDevice',
      method: 'get',
      path: '/api/v1/devices/{device_id}',
      summary: 'Get one device record.',
      idempotent: true,
      parameters: [deviceIdParam],
      responses: {
        200: { description: 'The device.', body: Device, headers: ['ETag'] },
        ...errors,
        404: { description: 'No such device.', body: ErrorBody },
      },
    },
    {
      operationId: 'upsertDevice',
      method: 'put',
      path: '/api/v1/devices/{device_id}',
      summary: 'Create or replace a device record (optimistic concurrency with If-Match).',
      idempotent: true,
      parameters: [
        deviceIdParam,
        ifMatch,
        {
          name: 'If-None-Match',
          in: 'header',
          required: false,
          schema: z.literal('*'),
          description: '`*`: create only.',
        },
      ],
      requestBody: DeviceUpsert,
      responses: {
        200: { description: 'Replaced.', body: Device, headers: ['ETag'] },
        201: { description: 'Created.', body: Device, headers: ['ETag'] },
        ...errors,
        412: { description: 'The record changed since the writer read it.', body: ErrorBody },
      },
    },
    {
      operationId: 'patchObservedState',
      method: 'patch',
      path: '/api/v1/devices/{device_id}/observed-state',
      summary: 'Record what was observed about a device.',
      idempotent: false,
      parameters: [deviceIdParam, ifMatch],
      requestBody: ObservedStatePatch,
      responses: {
        200: { description: 'The updated device.', body: Device, headers: ['ETag'] },
        ...errors,
        404: { description: 'No such device.', body: ErrorBody },
        412: { description: 'observed_state changed since the writer read it.', body: ErrorBody },
      },
    },
    {
      operationId: 'getDeploymentSpec',
      method: 'get',
      path: '/api/v1/deployments/{deployment_id}/spec',
      summary: "Get a deployment's execution spec.",
      idempotent: true,
      parameters: [{ name: 'deployment_id', in: 'path', required: true, schema: DeploymentId }],
      responses: {
        200: { description: 'The execution spec.', body: ExecutionSpec },
        ...errors,
        404: { description: 'No such deployment.', body: ErrorBody },
      },
    },
    {
      operationId: 'createAutomationRun',
      method: 'post',
      path: '/api/v1/automation-runs',
      summary: 'Record a new automation run (the write-back).',
      idempotent: true,
      parameters: [idempotencyKey],
      requestBody: RunRecord,
      responses: {
        201: { description: 'Recorded.', body: RunRecord },
        ...errors,
        409: { description: 'A run with this id exists, or the same key is in flight.', body: ErrorBody },
        422: { description: 'The Idempotency-Key was used with another body.', body: ErrorBody },
      },
    },
    {
      operationId: 'updateAutomationRun',
      method: 'patch',
      path: '/api/v1/automation-runs/{automation_run_id}',
      summary: 'Append to the status timeline and step results of a run.',
      idempotent: true,
      parameters: [{ name: 'automation_run_id', in: 'path', required: true, schema: RunId }, idempotencyKey],
      requestBody: RunUpdate,
      responses: {
        200: { description: 'The run record after the update.', body: RunRecord },
        ...errors,
        404: { description: 'No such run.', body: ErrorBody },
        409: { description: 'The same key is in flight.', body: ErrorBody },
        422: { description: 'The Idempotency-Key was used with another body.', body: ErrorBody },
      },
    },
    {
      operationId: 'createTicket',
      method: 'post',
      path: '/api/v1/tickets',
      summary: 'Open a ticket in the CRM/PM.',
      idempotent: true,
      parameters: [idempotencyKey],
      requestBody: TicketCreate,
      responses: {
        201: { description: 'Opened.', body: Ticket },
        ...errors,
        409: { description: 'The same key is in flight.', body: ErrorBody },
        422: { description: 'The Idempotency-Key was used with another body.', body: ErrorBody },
      },
    },
    {
      operationId: 'getHealth',
      method: 'get',
      path: '/api/v1/health',
      summary: 'Health of the registry API.',
      idempotent: true,
      auth: false,
      responses: {
        200: { description: 'Healthy or degraded.', body: Health },
        503: { description: 'Down.', body: Health },
      },
    },
  ],
};

/** openapi-typescript types of the API (for openapi-fetch): `paths`, `components`, `operations`. */
export type { components, operations, paths } from '../generated/registry-v1-paths.js';
