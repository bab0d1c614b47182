import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGeneratedFiles } from '../scripts/lib/render.js';
import { validateOpenApiFiles } from '../scripts/lib/validate-openapi.js';
import { EVENT_TYPE_NAMES } from '../src/events/v1.js';
import { EVENT_TYPE_NAMES as EVENT_TYPE_NAMES_V2 } from '../src/events/v2.js';
import { buildOpenApiDocument, HTTP_APIS } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgVersion = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version as string;

describe('generated documents', () => {
  let files: Map<string, string>;
  let tmp: string;
  beforeAll(async () => {
    files = await renderGeneratedFiles(pkgVersion);
    tmp = await mkdtemp(join(tmpdir(), 'fieldops-gen-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('are committed and fresh (run `pnpm generate` when this fails)', async () => {
    const stale: string[] = [];
    for (const [rel, content] of files) {
      const onDisk = await readFile(join(root, rel), 'utf8').catch(() => '(missing)');
      if (onDisk !== content) stale.push(rel);
    }
    expect(stale).toEqual([]);
  });

  it('OpenAPI documents pass the Redocly validator, and the validator does catch a broken one', async () => {
    const paths = [...files.keys()]
      .filter((f) => f.startsWith('generated/openapi/'))
      .map((f) => join(root, f));
    // fleet v1, registry v1, rfid v1 and rfid v2 (each version has its own document).
    expect(paths.map((p) => p.split('/').pop()).sort()).toEqual([
      'fleet.v1.json',
      'registry.v1.json',
      'rfid.v1.json',
      'rfid.v2.json',
    ]);
    expect(await validateOpenApiFiles(paths)).toEqual([]);
    const broken = JSON.parse(files.get('generated/openapi/rfid.v1.json')!);
    broken.paths['/api/v1/events'].post.requestBody.content['application/json'].schema = {
      $ref: '#/components/schemas/Nope',
    };
    const brokenPath = join(tmp, 'broken.json');
    await writeFile(brokenPath, JSON.stringify(broken));
    const problems = await validateOpenApiFiles([brokenPath]);
    expect(problems.join('\n')).toContain('no-unresolved-refs');
  });

  it('document every operation of each API with its error responses and the Idempotency-Key header', () => {
    const rfid = buildOpenApiDocument(HTTP_APIS.rfid) as any;
    expect(Object.keys(rfid.paths).sort()).toEqual([
      '/api/v1/events',
      '/api/v1/health',
      '/api/v1/stations/claim',
      '/api/v1/stations/{id}/map',
      '/api/v1/stations/{id}/status',
      '/api/v1/stations/{id}/token',
    ]);
    const ingest = rfid.paths['/api/v1/events'].post;
    // 403: another station's events; 404: a station never claimed; 415: not JSON (issue 11 items 3, 13).
    expect(Object.keys(ingest.responses)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
    ]);
    expect(ingest.parameters).toContainEqual(
      expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }),
    );
    const registry = buildOpenApiDocument(HTTP_APIS.registry) as any;
    expect(
      registry.paths['/api/v1/devices/{device_id}'].put.responses['412'].content['application/json'].schema,
    ).toEqual({
      $ref: '#/components/schemas/ErrorBody',
    });
    expect(registry.components.schemas.ExecutionSpec).toBeDefined();
  });

  // Issue 11 item 17: `writeOnly` in a response schema means "never sent": Prism's mock and generated
  // clients drop the station token. Response secrets are marked with `x-fieldops-secret` instead.
  it('no schema reachable from a response is writeOnly; the station token is marked x-fieldops-secret', () => {
    for (const api of Object.values(HTTP_APIS)) {
      const doc = buildOpenApiDocument(api) as any;
      const schemas = doc.components?.schemas ?? {};
      const seen = new Set<unknown>();
      const writeOnly: string[] = [];
      const walk = (node: unknown, at: string): void => {
        if (!node || typeof node !== 'object' || seen.has(node)) return;
        seen.add(node);
        const n = node as Record<string, unknown>;
        if (n.writeOnly === true) writeOnly.push(at);
        if (typeof n.$ref === 'string') {
          const name = n.$ref.replace('#/components/schemas/', '');
          walk(schemas[name], name);
        }
        for (const [k, v] of Object.entries(n)) if (k !== '$ref') walk(v, `${at}.${k}`);
      };
      for (const [path, item] of Object.entries(doc.paths as Record<string, any>))
        for (const [method, op] of Object.entries(item as Record<string, any>))
          for (const [status, res] of Object.entries((op?.responses ?? {}) as Record<string, unknown>))
            walk(res, `${method} ${path} ${status}`);
      expect(writeOnly).toEqual([]);
    }
    const rfidDoc = JSON.parse(files.get('generated/openapi/rfid.v1.json')!);
    const token = rfidDoc.components.schemas.ClaimResponse?.properties?.station_token;
    expect(token).toMatchObject({ 'x-fieldops-secret': true });
    expect(token.writeOnly).toBeUndefined();
  });

  it('the AsyncAPI document has a NATS channel (subject) and an MQTT channel (topic) per event type, on their servers', () => {
    const doc = JSON.parse(files.get('generated/asyncapi/events.v1.json')!);
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.keys(doc.servers).sort()).toEqual(['centre', 'site']);
    expect(doc.servers.centre.protocol).toBe('nats');
    expect(doc.servers.site).toMatchObject({ protocol: 'mqtt', protocolVersion: '5' });
    const on = (server: string) =>
      Object.values(doc.channels)
        .filter((c: any) => c.servers[0].$ref === `#/servers/${server}`)
        .map((c: any) => [c['x-cloudevents-type'], c.address])
        .sort();
    const types = [...EVENT_TYPE_NAMES, ...EVENT_TYPE_NAMES_V2].sort();
    expect(on('centre')).toEqual(types.map((t) => [t, `fieldops.${t.slice('io.fieldops.'.length)}`]));
    expect(on('site')).toEqual(
      types.map((t) => [t, `fieldops/${t.slice('io.fieldops.'.length).replaceAll('.', '/')}`]),
    );
    // MQTT operations publish at QoS 1 (what the bus's MQTT publisher uses).
    const mqttOps = Object.values(doc.operations).filter((o: any) => o.bindings.mqtt);
    expect(mqttOps).toHaveLength(types.length);
    for (const o of mqttOps as any[]) expect(o.bindings.mqtt).toMatchObject({ qos: 1, retain: false });
    // v2 of a type is a message beside v1's, with its own payload schema.
    expect(doc.components.messages.RfidStationHealth_v2).toMatchObject({
      name: 'io.fieldops.rfid.station.health.v2',
      'x-dataschema': 'urn:fieldops:schema:events.v2.RfidStationHealth',
    });
    expect(doc.components.schemas.RfidStationHealth.properties.data.properties.health).toBeUndefined();
    expect(doc.components.schemas.RfidStationHealth_v2.properties.data.properties.health).toBeDefined();
  });

  it('rfid v1 and v2 each have their own paths and schemas; v1 says it is deprecated', () => {
    const v1 = JSON.parse(files.get('generated/openapi/rfid.v1.json')!);
    const v2 = JSON.parse(files.get('generated/openapi/rfid.v2.json')!);
    expect(Object.keys(v2.paths).every((p) => p.startsWith('/api/v2/'))).toBe(true);
    expect(Object.keys(v1.paths).every((p) => p.startsWith('/api/v1/'))).toBe(true);
    // v2's health is optional: a commissioning batch sent for a station carries none (decision 0051).
    expect(v2.components.schemas.EventBatch.properties.health).toBeDefined();
    expect(v2.components.schemas.EventBatch.required).not.toContain('health');
    expect(v1.components.schemas.EventBatch.required).not.toContain('health');
    expect(v2.components.schemas.StationStatus.properties.health).toBeDefined();
    // Deprecation (RFC 9745) and Sunset (RFC 8594) are documented on every v1 answer, and only there.
    expect(v1.paths['/api/v1/events'].post.deprecated).toBe(true);
    expect(v1.paths['/api/v1/events'].post.responses['200'].headers.Deprecation).toBeDefined();
    expect(v1.components.headers.Deprecation.schema.const).toBe('@1796083200');
    expect(v1.components.headers.Sunset.schema.const).toBe('Wed, 30 Jun 2027 23:59:59 GMT');
    expect(v2.paths['/api/v2/events'].post.deprecated).toBeUndefined();
    expect(v2.components.headers.Deprecation).toBeUndefined();
  });

  it('the AsyncAPI document passes the AsyncAPI parser (@asyncapi/parser 3, which validates the bindings schemas)', async () => {
    const { Parser } = await import('@asyncapi/parser');
    const text = files.get('generated/asyncapi/events.v1.json')!;
    const { document, diagnostics } = await new Parser().parse(text);
    // Severity 0 is an error; the parser also hints that 3.1.0 exists (severity 2), which is no error.
    expect(
      diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`),
    ).toEqual([]);
    expect(
      document
        ?.servers()
        .all()
        .map((s) => s.protocol())
        .sort(),
    ).toEqual(['mqtt', 'nats']);
    // The check can fail: a binding property the MQTT binding does not define is an error.
    const broken = JSON.parse(text);
    broken.servers.site.bindings.mqtt.retainHandling = 1;
    const again = await new Parser().parse(JSON.stringify(broken));
    expect(again.diagnostics.some((d) => d.severity === 0 && /retainHandling/.test(d.message))).toBe(true);
  }, 60_000);

  it('JSON Schemas are draft 2020-12 with an id per contract', () => {
    const doc = JSON.parse(files.get('generated/json-schema/rfid/v1/EventBatch.schema.json')!);
    expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.$id).toBe('urn:fieldops:schema:rfid.v1.EventBatch');
  });
});

describe('pnpm contracts:check (the breaking-change gate)', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'fieldops-baseline-'));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  const run = (baseline: string) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'scripts/check-breaking.ts'), '--baseline', baseline],
      {
        encoding: 'utf8',
        cwd: root,
        env: { ...process.env, OPTIC_TELEMETRY_LEVEL: 'off' },
      },
    );

  // Each case spawns the gate (tsx + Optic): seconds on a quiet machine, over a minute on a loaded one.
  it('passes against the committed baseline', { timeout: 240_000 }, () => {
    const result = run(join(root, 'baseline'));
    expect(result.stdout).toContain('no breaking changes');
    expect(result.status).toBe(0);
    // rfid.v2 is not in the baseline of 1.0.0: the gate reports it as new and does not compare it.
    expect(result.stdout).toContain('openapi/rfid.v2: new document');
    expect(result.stdout).toContain('json-schema/rfid/v2/EventBatch: new document');
  });

  it('guards v1 and v2 separately once both are published: a v2 change never passes as a v1 one', {
    timeout: 240_000,
  }, async () => {
    // A baseline recorded after rfid.v2 was released, whose v2 status had one more field than today's:
    // the gate names v2, and v1 (unchanged) stays clean.
    const baseline = join(tmp, 'baseline-v2');
    await cp(join(root, 'baseline'), baseline, { recursive: true });
    await mkdir(join(baseline, 'json-schema/rfid/v2'), { recursive: true });
    const status = JSON.parse(
      await readFile(join(root, 'generated/json-schema/rfid/v2/StationStatus.schema.json'), 'utf8'),
    );
    status.properties.battery_pct = { type: 'number' };
    await writeFile(join(baseline, 'json-schema/rfid/v2/StationStatus.schema.json'), JSON.stringify(status));
    await cp(join(root, 'generated/openapi/rfid.v2.json'), join(baseline, 'openapi/rfid.v2.json'));
    const result = run(baseline);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('json-schema/rfid/v2/StationStatus: field battery_pct removed');
    expect(result.stdout).not.toMatch(/x json-schema\/rfid\/v1\//);
    expect(result.stdout).not.toContain('openapi/rfid.v2: new document');
  });

  it('fails, naming the field, when a published field disappears or an endpoint goes', {
    timeout: 240_000,
  }, async () => {
    // A baseline that had one more field and one more endpoint than today's schemas: the same as
    // today's schemas having removed them.
    const baseline = join(tmp, 'baseline');
    await cp(join(root, 'baseline'), baseline, { recursive: true });
    const schemaFile = join(baseline, 'json-schema/rfid/v1/ClaimRequest.schema.json');
    const schema = JSON.parse(await readFile(schemaFile, 'utf8'));
    schema.properties.site_hint = { type: 'string' };
    await writeFile(schemaFile, JSON.stringify(schema));
    const apiFile = join(baseline, 'openapi/rfid.v1.json');
    const api = JSON.parse(await readFile(apiFile, 'utf8'));
    api.paths['/api/v1/stations/{id}/unmap'] = {
      post: { operationId: 'unmapStation', responses: { '200': { description: 'Unmapped.' } } },
    };
    await writeFile(apiFile, JSON.stringify(api));
    const result = run(baseline);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('json-schema/rfid/v1/ClaimRequest: field site_hint removed');
    expect(result.stdout).toContain('openapi/rfid.v1: Optic found breaking changes');
    expect(result.stdout).toMatch(/cannot remove an operation/);
  });
});
