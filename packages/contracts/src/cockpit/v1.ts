// The cockpit contract, version 1: the subset of A2UI v0.9 the fieldops cockpit emits and the user
// action it accepts. Written from the public specification (github.com/google/A2UI,
// specification/v0_9/json/server_to_client.json, client_to_server.json, common_types.json and
// catalogs/basic/catalog.json). Our contract point has its own version (1); the A2UI protocol
// version is a field of every message (`version: "v0.9"`), as the specification requires.
import { z } from 'zod';
import { defineContract } from '../internal/contract.js';

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('cockpit', 1, name, schema, description);

/** The A2UI protocol version every message of this contract carries. */
export const A2UI_VERSION = 'v0.9';

/** The catalog the cockpit's components come from: A2UI v0.9's basic catalog. */
export const BASIC_CATALOG_ID = 'https://a2ui.org/specification/v0_9/catalogs/basic/catalog.json';

const version = z.literal(A2UI_VERSION);
const id = z.string().min(1);

/** A JSON Pointer into the surface's data model (common_types.json#/$defs/DataBinding). */
export const DataBinding = c('DataBinding', z.strictObject({ path: z.string() }));
export type DataBinding = z.infer<typeof DataBinding>;

/** A literal string or a binding to one (common_types.json#/$defs/DynamicString, without function calls). */
export const DynamicString = c('DynamicString', z.union([z.string(), DataBinding]));
export type DynamicString = z.infer<typeof DynamicString>;

/** A literal or a binding (common_types.json#/$defs/DynamicValue, without function calls). */
export const DynamicValue = c(
  'DynamicValue',
  z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), DataBinding]),
);
export type DynamicValue = z.infer<typeof DynamicValue>;

/** Children by id, or a template repeated over a data-model list (common_types.json#/$defs/ChildList). */
export const ChildList = c(
  'ChildList',
  z.union([z.array(id), z.strictObject({ componentId: id, path: z.string() })]),
);
export type ChildList = z.infer<typeof ChildList>;

/** A server-side event a component dispatches (common_types.json#/$defs/Action, the `event` branch). */
export const Action = c(
  'Action',
  z.strictObject({
    event: z.strictObject({
      name: z.string().min(1),
      context: z.record(z.string(), DynamicValue).optional(),
    }),
  }),
);
export type Action = z.infer<typeof Action>;

const common = {
  id,
  accessibility: z.object({ label: DynamicString, description: DynamicString }).partial().optional(),
};
const justify = z.enum(['center', 'end', 'spaceAround', 'spaceBetween', 'spaceEvenly', 'start', 'stretch']);
const align = z.enum(['start', 'center', 'end', 'stretch']);

/** The basic-catalog components the cockpit uses (catalogs/basic/catalog.json#/components). */
export const Component = c(
  'Component',
  z.discriminatedUnion('component', [
    z.object({
      ...common,
      component: z.literal('Text'),
      text: DynamicString,
      variant: z.enum(['h1', 'h2', 'h3', 'h4', 'h5', 'caption', 'body']).optional(),
    }),
    z.object({
      ...common,
      component: z.literal('Row'),
      children: ChildList,
      justify: justify.optional(),
      align: align.optional(),
    }),
    z.object({
      ...common,
      component: z.literal('Column'),
      children: ChildList,
      justify: justify.optional(),
      align: align.optional(),
    }),
    z.object({
      ...common,
      component: z.literal('List'),
      children: ChildList,
      direction: z.enum(['vertical', 'horizontal']).optional(),
      align: align.optional(),
    }),
    z.object({ ...common, component: z.literal('Card'), child: id }),
    z.object({
      ...common,
      component: z.literal('Divider'),
      axis: z.enum(['horizontal', 'vertical']).optional(),
    }),
    z.object({
      ...common,
      component: z.literal('Button'),
      child: id,
      variant: z.enum(['default', 'primary', 'borderless']).optional(),
      action: Action,
    }),
  ]),
);
export type Component = z.infer<typeof Component>;

/** `createSurface` (server_to_client.json#/$defs/CreateSurfaceMessage). */
export const CreateSurface = c(
  'CreateSurface',
  z.strictObject({
    version,
    createSurface: z.strictObject({
      surfaceId: id,
      catalogId: z.string().min(1),
      theme: z.record(z.string(), z.unknown()).optional(),
      sendDataModel: z.boolean().optional(),
    }),
  }),
);
export type CreateSurface = z.infer<typeof CreateSurface>;

/** `updateComponents` (server_to_client.json#/$defs/UpdateComponentsMessage): a flat list, children by id. */
export const UpdateComponents = c(
  'UpdateComponents',
  z.strictObject({
    version,
    updateComponents: z.strictObject({ surfaceId: id, components: z.array(Component).min(1) }),
  }),
);
export type UpdateComponents = z.infer<typeof UpdateComponents>;

/**
 * `updateDataModel` (server_to_client.json#/$defs/UpdateDataModelMessage): replaces the value at
 * `path` (the whole model when omitted or `/`); without `value` the key at `path` is removed.
 */
export const UpdateDataModel = c(
  'UpdateDataModel',
  z.strictObject({
    version,
    updateDataModel: z.strictObject({
      surfaceId: id,
      path: z
        .string()
        .regex(/^\/.*$/, 'expected a JSON Pointer starting with /')
        .optional(),
      value: z.unknown().optional(),
    }),
  }),
);
export type UpdateDataModel = z.infer<typeof UpdateDataModel>;

/** `deleteSurface` (server_to_client.json#/$defs/DeleteSurfaceMessage). */
export const DeleteSurface = c(
  'DeleteSurface',
  z.strictObject({ version, deleteSurface: z.strictObject({ surfaceId: id }) }),
);
export type DeleteSurface = z.infer<typeof DeleteSurface>;

/** Any message the cockpit sends to a renderer (server_to_client.json, one of the four). */
export const ServerMessage = c(
  'ServerMessage',
  z.union([CreateSurface, UpdateComponents, UpdateDataModel, DeleteSurface]),
);
export type ServerMessage = z.infer<typeof ServerMessage>;

/**
 * A user action a renderer sends back (client_to_server.json, the `action` branch): the action's
 * name, where it came from, when, and its context with the data bindings resolved.
 */
export const UserAction = c(
  'UserAction',
  z.strictObject({
    version,
    action: z.object({
      name: z.string().min(1),
      surfaceId: id,
      sourceComponentId: id,
      timestamp: z.iso.datetime({ offset: true }),
      context: z.record(z.string(), z.unknown()),
    }),
  }),
);
export type UserAction = z.infer<typeof UserAction>;

/** The context of the cockpit's `acknowledge_incident` action: the incident's fingerprint or ack code. */
export const AcknowledgeContext = c(
  'AcknowledgeContext',
  z
    .object({
      fingerprint: z.string().min(1).max(64).optional(),
      ack_code: z.string().min(1).max(32).optional(),
      note: z.string().max(2000).optional(),
    })
    .refine((v) => v.fingerprint !== undefined || v.ack_code !== undefined, {
      error: 'expected fingerprint or ack_code',
    }),
);
export type AcknowledgeContext = z.infer<typeof AcknowledgeContext>;

/** The context of the cockpit's `silence_alert` action: which alert, for how many minutes (1 min–7 days). */
export const SilenceContext = c(
  'SilenceContext',
  z.object({
    alertname: z.string().min(1).max(200),
    site_id: z.string().min(1).max(200).optional(),
    minutes: z
      .int()
      .min(1)
      .max(7 * 24 * 60),
    comment: z.string().max(2000).optional(),
  }),
);
export type SilenceContext = z.infer<typeof SilenceContext>;

/** The names of the user actions the cockpit accepts. */
export const COCKPIT_ACTIONS = ['acknowledge_incident', 'silence_alert'] as const;
