import { z } from 'zod';
import { EVENT_CONVERTERS } from './events/convert-v1-v2.js';
import {
  EVENT_TYPE_NAMES,
  EVENT_TYPES,
  EventSchemas,
  eventDataSchemaUri,
  eventSchemaName,
} from './events/v1.js';
import * as eventsV2 from './events/v2.js';
import { FLEET_API } from './fleet/v1.js';
import { type CatalogEntry, contractMetaOf, listCatalog } from './internal/contract.js';
import type { VersionConverter } from './internal/converter.js';
import type { ApiContract, ApiOperation } from './internal/http-api.js';
import { deprecationHeaderValue, deprecationLinkValue, sunsetHeaderValue } from './lifecycle.js';
import { REGISTRY_API } from './registry/v1.js';
import { RFID_CONVERTERS } from './rfid/convert-v1-v2.js';
import { RFID_API } from './rfid/v1.js';
import { RFID_API as RFID_API_V2 } from './rfid/v2.js';

// Pure builders of the published documents. `pnpm generate` writes what they return; the SDK and
// the conformance verifier read the same objects, so the files can never drift from the code.

type Json = Record<string, unknown>;

/** The integration points that have an HTTP API. */
export type HttpApiPoint = 'registry' | 'rfid' | 'fleet';

/** The version 1 of each HTTP API, by integration point (see HTTP_API_VERSIONS for every version). */
export const HTTP_APIS: Readonly<Record<HttpApiPoint, ApiContract>> = {
  registry: REGISTRY_API,
  rfid: RFID_API,
  fleet: FLEET_API,
};

/** Every version of every HTTP API: point → version → operation table. Each has its own OpenAPI document. */
export const HTTP_API_VERSIONS: Readonly<Record<HttpApiPoint, Readonly<Record<number, ApiContract>>>> = {
  registry: { 1: REGISTRY_API },
  rfid: { 1: RFID_API, 2: RFID_API_V2 },
  fleet: { 1: FLEET_API },
};

/** The operation table of `point` at `version`; throws a TypeError naming the versions there are. */
export function httpApi(point: HttpApiPoint, version: number): ApiContract {
  const api = HTTP_API_VERSIONS[point]?.[version];
  if (!api) {
    const known = Object.keys(HTTP_API_VERSIONS[point] ?? {}).map((v) => `v${v}`);
    throw new TypeError(
      `@fieldops/contracts: ${point} has no HTTP API version ${version} (known: ${known.join(', ') || 'none'})`,
    );
  }
  return api;
}

/** Every converter between adjacent contract versions (HTTP bodies and events). */
export const ALL_CONVERTERS: readonly VersionConverter[] = [...RFID_CONVERTERS, ...EVENT_CONVERTERS];

// Points whose named schemas may appear inside another point's documents.
const SHARED_POINTS = new Set(['ids', 'secrets', 'regions']);

// The component name of a catalog entry: its name, with `_vN` for versions other than 1 when one
// document holds several versions (the event catalog holds v1 and v2 of some types).
const componentName = (e: CatalogEntry, versioned: boolean) =>
  versioned && e.meta.version !== 1 ? `${e.meta.name}_v${e.meta.version}` : e.meta.name;

function componentRegistry(
  points: Set<string>,
  version: number | undefined,
): {
  registry: z.core.$ZodRegistry<{ id: string }>;
  entries: CatalogEntry[];
  names: Map<z.ZodType, string>;
} {
  const registry = z.registry<{ id: string }>();
  // An HTTP API document holds one version of its point; the event catalog holds every version.
  const entries = listCatalog().filter(
    (e) =>
      (points.has(e.meta.point) && (version === undefined || e.meta.version === version)) ||
      SHARED_POINTS.has(e.meta.point),
  );
  const names = new Map<z.ZodType, string>();
  for (const e of entries) {
    const id = componentName(e, version === undefined);
    registry.add(e.schema, { id });
    names.set(e.schema, id);
  }
  return { registry, entries, names };
}

function stripDocKeys(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function componentsOf(
  points: Set<string>,
  prefix: string,
  version?: number,
): { schemas: Record<string, Json>; names: Map<z.ZodType, string> } {
  const { registry, names } = componentRegistry(points, version);
  const out = z.toJSONSchema(registry, {
    uri: (id) => `${prefix}${id}`,
    io: 'input',
    unrepresentable: 'any',
  }) as { schemas: Record<string, Json> };
  const schemas: Record<string, Json> = {};
  for (const name of Object.keys(out.schemas).sort()) schemas[name] = stripDocKeys(out.schemas[name]!);
  return { schemas, names };
}

function schemaOrRef(schema: z.ZodType, names: Map<z.ZodType, string>, prefix: string): Json {
  const name = names.get(schema);
  if (name) return { $ref: `${prefix}${name}` };
  return stripDocKeys(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json);
}

function operationObject(op: ApiOperation, names: Map<z.ZodType, string>, deprecated: boolean): Json {
  const ref = (s: z.ZodType) => schemaOrRef(s, names, '#/components/schemas/');
  const responses: Json = {};
  for (const [status, res] of Object.entries(op.responses)) {
    const headers: Json = {};
    for (const h of res.headers ?? []) headers[h] = { $ref: `#/components/headers/${h}` };
    headers['X-Request-Id'] = { $ref: '#/components/headers/X-Request-Id' };
    if (deprecated) {
      for (const h of ['Deprecation', 'Sunset', 'Link']) headers[h] = { $ref: `#/components/headers/${h}` };
    }
    if (status === '429' || status === '503')
      headers['Retry-After'] = { $ref: '#/components/headers/Retry-After' };
    responses[status] = {
      description: res.description,
      headers,
      ...(res.body ? { content: { 'application/json': { schema: ref(res.body) } } } : {}),
    };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(deprecated ? { deprecated: true } : {}),
    ...(op.auth === false ? { security: [] } : {}),
    ...(op.parameters?.length
      ? {
          parameters: op.parameters.map((p) => ({
            name: p.name,
            in: p.in,
            required: p.required,
            ...(p.description ? { description: p.description } : {}),
            schema: ref(p.schema),
          })),
        }
      : {}),
    ...(op.requestBody
      ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.requestBody) } } } }
      : {}),
    responses,
    'x-idempotent': op.idempotent,
  };
}

/** The OpenAPI 3.1 document of an HTTP API contract. */
export function buildOpenApiDocument(api: ApiContract, packageVersion = '1.0.0'): Json {
  // Points whose schemas an API's document may name besides its own.
  const extra: Record<string, string[]> = { registry: ['automation'], fleet: ['chirpstack'] };
  const points = new Set([api.point, ...(extra[api.point] ?? [])]);
  const prefix = '#/components/schemas/';
  const { schemas, names } = componentsOf(points, prefix, api.version);
  // Only keep components the API reaches, so each document stays about its own API.
  const paths: Record<string, Json> = {};
  for (const op of api.operations) {
    paths[op.path] ??= {};
    paths[op.path]![op.method] = operationObject(op, names, api.deprecation !== undefined);
  }
  const used = reachable({ paths }, schemas, prefix);
  return {
    openapi: '3.1.0',
    info: {
      title: api.title,
      version: `${api.version}.0.0`,
      description: `${api.description}${deprecationNote(api)}\n\nContract \`${api.point}.v${api.version}\`, generated from @fieldops/contracts ${packageVersion}. Do not edit.`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://localhost:8080', description: 'A local instance; point clients at your own.' }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).filter(([n]) => used.has(n))),
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      headers: {
        ETag: { description: 'Entity tag of the returned revision.', schema: { type: 'string' } },
        'X-Request-Id': {
          description: 'Identifies the request in the server logs.',
          schema: { type: 'string' },
        },
        'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'string' } },
        ...(api.deprecation ? deprecationHeaderComponents(api) : {}),
      },
    },
  };
}

function deprecationNote(api: ApiContract): string {
  const d = api.deprecation;
  if (!d) return '';
  return `\n\n**Deprecated** from ${d.deprecatedAt}; served until ${d.sunsetAt} (then it may be switched off). Move to version ${d.successor}: ${d.link}`;
}

function deprecationHeaderComponents(api: ApiContract): Json {
  const d = api.deprecation!;
  return {
    Deprecation: {
      description: 'RFC 9745: when this API version is (or will be) deprecated, as a Structured Field Date.',
      schema: { type: 'string', const: deprecationHeaderValue(d) },
    },
    Sunset: {
      description: 'RFC 8594: after this HTTP-date the API version may stop answering.',
      schema: { type: 'string', const: sunsetHeaderValue(d) },
    },
    Link: {
      description: 'The deprecation notice (rel="deprecation", rel="sunset").',
      schema: { type: 'string', const: deprecationLinkValue(d) },
    },
  };
}

function reachable(root: Json, schemas: Record<string, Json>, prefix: string): Set<string> {
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(prefix)) {
        const name = v.slice(prefix.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else visit(v);
    }
  };
  visit(root);
  return used;
}

// Where the events travel (docs/decisions/0019-event-bus.md). The subject and topic of a type follow
// `@fieldops/bus` subjectForType / mqttTopicForSubject (packages/bus/src/subject.ts): `io.fieldops.`
// becomes `fieldops.`, MQTT uses `/` for `.`; a bus test pins that both agree for every event type.
/** The NATS subject an event type is published on (`io.fieldops.x.y.v1` → `fieldops.x.y.v1`). */
export function natsSubjectOfEventType(type: string): string {
  return `fieldops.${type.replace(/^io\.fieldops\./, '')}`;
}

/** The MQTT topic an event type is published on (`io.fieldops.x.y.v1` → `fieldops/x/y/v1`). */
export function mqttTopicOfEventType(type: string): string {
  return natsSubjectOfEventType(type).replaceAll('.', '/');
}

// Binding objects, from https://github.com/asyncapi/bindings: nats/README.md (0.1.0: server, channel
// and message objects MUST NOT contain properties; the operation has `queue`) and mqtt/README.md
// (0.2.0: server clientId, cleanSession, keepAlive, sessionExpiryInterval…; operation qos, retain,
// messageExpiryInterval; message contentType, payloadFormatIndicator…; the channel object is reserved).
const NATS_BINDING = '0.1.0';
const MQTT_BINDING = '0.2.0';

/** The AsyncAPI 3.0 servers: NATS JetStream between sites and the centre, MQTT 5 at the site edge. */
function asyncApiServers(): Json {
  return {
    centre: {
      host: '{host}:{port}',
      protocol: 'nats',
      title: 'NATS JetStream (sites ↔ centre)',
      description:
        'Stream FIELDOPS holds `fieldops.>` (file storage); a publish carries `Nats-Msg-Id` = `source` + " " + `id`, so a copy inside the duplicate window (2 min) is dropped. Consumers are durable with explicit acks; after N attempts an event goes to `fieldops-dlq.<consumer>` (stream FIELDOPS_DLQ) with the reason.',
      variables: {
        host: { default: 'localhost', description: 'nats-server host' },
        port: { default: '4222', description: 'client port' },
      },
      bindings: { nats: {} },
    },
    site: {
      host: '{host}:{port}',
      protocol: 'mqtt',
      protocolVersion: '5',
      title: 'MQTT broker at the site edge',
      description:
        'QoS 1 with persistent sessions (clean start off, session expiry 7 days); the PUBACK is sent after the consumer committed. MQTT has no broker-side dedup: the dedup id travels as the user property `fieldops-dedup-id` and consumers keep an inbox keyed by `source` + `id`.',
      variables: {
        host: { default: 'localhost', description: 'broker host' },
        port: { default: '1883', description: 'MQTT port' },
      },
      bindings: {
        mqtt: {
          cleanSession: false,
          sessionExpiryInterval: 604800,
          keepAlive: 60,
          bindingVersion: MQTT_BINDING,
        },
      },
    },
  };
}

/**
 * The AsyncAPI 3.0 document of the event catalog (CloudEvents 1.0, structured JSON mode): per event
 * type a channel on the NATS server (address = subject) and one on the MQTT server (address = topic).
 */
export function buildAsyncApiDocument(packageVersion = '1.0.0'): Json {
  const prefix = '#/components/schemas/';
  const { schemas, names } = componentsOf(new Set(['events']), prefix);
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const types = [
    ...EVENT_TYPE_NAMES.map((type) => ({
      type,
      name: eventSchemaName(type),
      schema: EventSchemas[type] as z.ZodType,
      summary: EVENT_TYPES[type].summary as string,
      dataschema: eventDataSchemaUri(type),
    })),
    // A later version of a type is another message beside the first (`…_v2`), never in its place.
    ...eventsV2.EVENT_TYPE_NAMES.map((type) => ({
      type,
      name: `${eventsV2.eventSchemaName(type)}_v2`,
      schema: eventsV2.EventSchemas[type] as z.ZodType,
      summary: eventsV2.EVENT_TYPES[type].summary as string,
      dataschema: eventsV2.eventDataSchemaUri(type),
    })),
  ];
  for (const { type, name, schema, summary, dataschema } of types) {
    messages[name] = {
      name: type,
      title: name,
      summary,
      contentType: 'application/cloudevents+json',
      payload: schemaOrRef(schema, names, prefix),
      'x-dataschema': dataschema,
      bindings: {
        nats: {},
        mqtt: {
          contentType: 'application/cloudevents+json',
          payloadFormatIndicator: 1,
          bindingVersion: MQTT_BINDING,
        },
      },
    };
    const mqttName = `${name}Mqtt`;
    channels[name] = {
      address: natsSubjectOfEventType(type),
      title: `${type} on NATS`,
      description: summary,
      servers: [{ $ref: '#/servers/centre' }],
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      bindings: { nats: {} },
      'x-cloudevents-type': type,
    };
    channels[mqttName] = {
      address: mqttTopicOfEventType(type),
      title: `${type} on MQTT`,
      description: summary,
      servers: [{ $ref: '#/servers/site' }],
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      bindings: { mqtt: {} },
      'x-cloudevents-type': type,
    };
    operations[`publish${name}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${name}` },
      messages: [{ $ref: `#/channels/${name}/messages/${name}` }],
      bindings: { nats: { bindingVersion: NATS_BINDING } },
    };
    operations[`publish${mqttName}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${mqttName}` },
      messages: [{ $ref: `#/channels/${mqttName}/messages/${name}` }],
      bindings: { mqtt: { qos: 1, retain: false, bindingVersion: MQTT_BINDING } },
    };
  }
  const used = reachable({ messages }, schemas, prefix);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'fieldops events',
      version: '1.0.0',
      description: `CloudEvents 1.0 emitted by fieldops (automation runs, ChirpStack and RFID health, registry changes). \`source\` + \`id\` is the dedup key. Written to a transactional outbox and relayed to NATS JetStream (centre) or MQTT (site edge); with no server configured they stay in process. Generated from @fieldops/contracts ${packageVersion}. Do not edit.`,
    },
    defaultContentType: 'application/cloudevents+json',
    servers: asyncApiServers(),
    channels,
    operations,
    components: {
      messages,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([n]) => used.has(n))),
    },
  };
}

/** The file name of a contract's JSON Schema under `generated/json-schema/`. */
export function jsonSchemaFileName(id: string): string {
  const [point, version, name] = id.split('.');
  return `${point}/${version}/${name}.schema.json`;
}

/** The id of a registered schema (`rfid.v1.EventBatch`), or undefined. */
export function contractIdOf(schema: z.ZodType): string | undefined {
  return contractMetaOf(schema)?.id;
}
