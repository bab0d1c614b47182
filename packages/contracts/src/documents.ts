import { z } from 'zod';
import {
  EVENT_TYPE_NAMES,
  EVENT_TYPES,
  EventSchemas,
  eventDataSchemaUri,
  eventSchemaName,
} from './events/v1.js';
import { type CatalogEntry, contractMetaOf, listCatalog } from './internal/contract.js';
import type { ApiContract, ApiOperation } from './internal/http-api.js';
import { REGISTRY_API } from './registry/v1.js';
import { RFID_API } from './rfid/v1.js';

// Pure builders of the published documents. `pnpm generate` writes what they return; the SDK and
// the conformance verifier read the same objects, so the files can never drift from the code.

type Json = Record<string, unknown>;

/** The HTTP APIs that have OpenAPI documents, by integration point. */
export const HTTP_APIS: Readonly<Record<'registry' | 'rfid', ApiContract>> = {
  registry: REGISTRY_API,
  rfid: RFID_API,
};

// Points whose named schemas may appear inside another point's documents.
const SHARED_POINTS = new Set(['ids', 'secrets', 'regions']);

function componentRegistry(points: Set<string>): {
  registry: z.core.$ZodRegistry<{ id: string }>;
  entries: CatalogEntry[];
} {
  const registry = z.registry<{ id: string }>();
  const entries = listCatalog().filter((e) => points.has(e.meta.point) || SHARED_POINTS.has(e.meta.point));
  for (const e of entries) registry.add(e.schema, { id: e.meta.name });
  return { registry, entries };
}

function stripDocKeys(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function componentsOf(
  points: Set<string>,
  prefix: string,
): { schemas: Record<string, Json>; names: Map<z.ZodType, string> } {
  const { registry, entries } = componentRegistry(points);
  const out = z.toJSONSchema(registry, {
    uri: (id) => `${prefix}${id}`,
    io: 'input',
    unrepresentable: 'any',
  }) as { schemas: Record<string, Json> };
  const schemas: Record<string, Json> = {};
  for (const name of Object.keys(out.schemas).sort()) schemas[name] = stripDocKeys(out.schemas[name]!);
  const names = new Map(entries.map((e) => [e.schema, e.meta.name]));
  return { schemas, names };
}

function schemaOrRef(schema: z.ZodType, names: Map<z.ZodType, string>, prefix: string): Json {
  const name = names.get(schema);
  if (name) return { $ref: `${prefix}${name}` };
  return stripDocKeys(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json);
}

function operationObject(op: ApiOperation, names: Map<z.ZodType, string>): Json {
  const ref = (s: z.ZodType) => schemaOrRef(s, names, '#/components/schemas/');
  const responses: Json = {};
  for (const [status, res] of Object.entries(op.responses)) {
    const headers: Json = {};
    for (const h of res.headers ?? []) headers[h] = { $ref: `#/components/headers/${h}` };
    headers['X-Request-Id'] = { $ref: '#/components/headers/X-Request-Id' };
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
  const points = new Set([api.point, ...(api.point === 'registry' ? ['automation'] : [])]);
  const prefix = '#/components/schemas/';
  const { schemas, names } = componentsOf(points, prefix);
  // Only keep components the API reaches, so each document stays about its own API.
  const paths: Record<string, Json> = {};
  for (const op of api.operations) {
    paths[op.path] ??= {};
    paths[op.path]![op.method] = operationObject(op, names);
  }
  const used = reachable({ paths }, schemas, prefix);
  return {
    openapi: '3.1.0',
    info: {
      title: api.title,
      version: `${api.version}.0.0`,
      description: `${api.description}\n\nContract \`${api.point}.v${api.version}\`, generated from @fieldops/contracts ${packageVersion}. Do not edit.`,
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
      },
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

/** The AsyncAPI 3.0 document of the event catalog (CloudEvents 1.0, structured JSON mode). */
export function buildAsyncApiDocument(packageVersion = '1.0.0'): Json {
  const prefix = '#/components/schemas/';
  const { schemas, names } = componentsOf(new Set(['events']), prefix);
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const type of EVENT_TYPE_NAMES) {
    const name = eventSchemaName(type);
    const schema = EventSchemas[type];
    messages[name] = {
      name: type,
      title: name,
      summary: EVENT_TYPES[type].summary,
      contentType: 'application/cloudevents+json',
      payload: schemaOrRef(schema, names, prefix),
      'x-dataschema': eventDataSchemaUri(type),
    };
    channels[name] = {
      address: type,
      description: EVENT_TYPES[type].summary,
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
    };
    operations[`publish${name}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${name}` },
      messages: [{ $ref: `#/channels/${name}/messages/${name}` }],
    };
  }
  const used = reachable({ messages }, schemas, prefix);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'fieldops events',
      version: '1.0.0',
      description: `CloudEvents 1.0 emitted by fieldops (automation runs, ChirpStack and RFID health, registry changes). \`source\` + \`id\` is the dedup key. Generated from @fieldops/contracts ${packageVersion}. Do not edit.`,
    },
    defaultContentType: 'application/cloudevents+json',
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
