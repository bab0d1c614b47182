import { fillMap, mapToRecord } from '../../chirpstack/convert.js';
import { GrpcStatus } from '../../chirpstack/grpc-status.js';
import { applicationPb, emptyPb } from '../../chirpstack/proto.js';
import { checkOwned } from './auth.js';
import { duplicateKey, FakeRpcError, foreignKey, notFound, parseUuid } from './errors.js';
import type { CallContext, Req, ServiceHandlers } from './handler.js';
import type { IntegrationKindName } from './store.js';

// The application integrations of ApplicationService, ChirpStack v4.19.0 (tag v4.19.0):
// - chirpstack/src/api/application.rs:209-259 list_integrations: the stored rows ordered by kind,
//   then MQTT_GLOBAL always last; total_count = rows + 1.
// - application.rs:261-307 (Create*): "integration is missing" INVALID_ARGUMENT without one; the
//   application id parsed as a UUID; ValidateApplicationAccess(Update) (write); insert.
// - application.rs:309-347 (Get*), 349-393 (Update*), 395-418 (Delete*): NOT_FOUND (`from_diesel`,
//   storage/application.rs:446-501) when the row is not there.
// - storage/application.rs:435-444 create_integration: a plain insert into application_integration,
//   primary key (application_id, kind) (migrations_postgres/00000000000000_initial/up.sql:129-137):
//   a second Create of a kind is a unique violation (INTERNAL); an unknown application a
//   foreign-key violation (INTERNAL).
// - The Get answers every stored field, secrets (header values, passwords, tokens) included.
// - The other kinds, application.rs:737-1787 (MyDevices, GcpPubSub, AwsSns, AzureServiceBus,
//   PilotThings, Ifttt, Blynk): the same shape, configurations as storage/application.rs:223-270.
//   IFTTT only: Create refuses an event_prefix that is not empty and not ^[a-zA-Z0-9]+$
//   (application.rs:1500-1508; Update does not check it, 1594-1606), and Create and Update store
//   exactly two uplink_values, the first two given or "" (1516-1519, 1600-1603).

/** One integration kind the fake serves: its RPC names and message <-> stored configuration. */
interface KindCodec {
  kind: IntegrationKindName;
  /** grpc-js method suffix, e.g. `HttpIntegration`. */
  rpc: string;
  toConfig(msg: Req): Record<string, unknown>;
  toMessage(appId: string, config: Record<string, unknown>): unknown;
  response: new () => { setIntegration(msg: unknown): void };
  /** A check Create makes before it stores (Update does not). */
  checkCreate?(msg: Req): void;
}

type FieldKind = 'string' | 'bool' | 'int';
/** A kind whose message is flat: every field stored as sent (storage/application.rs:223-270). */
function flatKind(
  kind: IntegrationKindName,
  fields: ReadonlyArray<readonly [string, string, FieldKind]>,
  extra: Partial<KindCodec> = {},
): KindCodec {
  const Message = (applicationPb as unknown as Record<string, new () => Req>)[`${kind}Integration`]!;
  return {
    kind,
    rpc: `${kind}Integration`,
    toConfig: (m) => Object.fromEntries(fields.map(([name, pb]) => [name, m[`get${pb}`]()])),
    toMessage(appId, c) {
      const m = new Message();
      m.setApplicationId(appId);
      for (const [name, pb] of fields) m[`set${pb}`](c[name]);
      return m;
    },
    response: (applicationPb as unknown as Record<string, KindCodec['response']>)[
      `Get${kind}IntegrationResponse`
    ]!,
    ...extra,
  };
}

const IFTTT_EVENT_PREFIX = /^[a-zA-Z0-9]+$/;

const KINDS: KindCodec[] = [
  {
    kind: 'Http',
    rpc: 'HttpIntegration',
    toConfig: (m) => ({
      headers: mapToRecord(m.getHeadersMap()),
      json: m.getEncoding() === applicationPb.Encoding.JSON,
      event_endpoint_url: m.getEventEndpointUrl(),
    }),
    toMessage(appId, c) {
      const m = new applicationPb.HttpIntegration();
      m.setApplicationId(appId);
      fillMap(m.getHeadersMap(), c.headers as Record<string, string>);
      m.setEncoding(c.json ? applicationPb.Encoding.JSON : applicationPb.Encoding.PROTOBUF);
      m.setEventEndpointUrl(c.event_endpoint_url as string);
      return m;
    },
    response: applicationPb.GetHttpIntegrationResponse,
  },
  {
    kind: 'InfluxDb',
    rpc: 'InfluxDbIntegration',
    toConfig: (m) => ({
      endpoint: m.getEndpoint(),
      db: m.getDb(),
      username: m.getUsername(),
      password: m.getPassword(),
      retention_policy_name: m.getRetentionPolicyName(),
      precision: m.getPrecision(),
      version: m.getVersion(),
      token: m.getToken(),
      organization: m.getOrganization(),
      bucket: m.getBucket(),
    }),
    toMessage(appId, c) {
      const m = new applicationPb.InfluxDbIntegration();
      m.setApplicationId(appId);
      m.setEndpoint(c.endpoint as string);
      m.setDb(c.db as string);
      m.setUsername(c.username as string);
      m.setPassword(c.password as string);
      m.setRetentionPolicyName(c.retention_policy_name as string);
      m.setPrecision(c.precision as 0);
      m.setVersion(c.version as 0);
      m.setToken(c.token as string);
      m.setOrganization(c.organization as string);
      m.setBucket(c.bucket as string);
      return m;
    },
    response: applicationPb.GetInfluxDbIntegrationResponse,
  },
  {
    kind: 'ThingsBoard',
    rpc: 'ThingsBoardIntegration',
    toConfig: (m) => ({ server: m.getServer() }),
    toMessage(appId, c) {
      const m = new applicationPb.ThingsBoardIntegration();
      m.setApplicationId(appId);
      m.setServer(c.server as string);
      return m;
    },
    response: applicationPb.GetThingsBoardIntegrationResponse,
  },
  flatKind('MyDevices', [['endpoint', 'Endpoint', 'string']]),
  flatKind('GcpPubSub', [
    ['encoding', 'Encoding', 'int'],
    ['credentials_file', 'CredentialsFile', 'string'],
    ['project_id', 'ProjectId', 'string'],
    ['topic_name', 'TopicName', 'string'],
  ]),
  flatKind('AwsSns', [
    ['encoding', 'Encoding', 'int'],
    ['region', 'Region', 'string'],
    ['access_key_id', 'AccessKeyId', 'string'],
    ['secret_access_key', 'SecretAccessKey', 'string'],
    ['topic_arn', 'TopicArn', 'string'],
  ]),
  flatKind('AzureServiceBus', [
    ['encoding', 'Encoding', 'int'],
    ['connection_string', 'ConnectionString', 'string'],
    ['publish_name', 'PublishName', 'string'],
  ]),
  flatKind('PilotThings', [
    ['server', 'Server', 'string'],
    ['token', 'Token', 'string'],
  ]),
  {
    ...flatKind('Ifttt', [
      ['key', 'Key', 'string'],
      ['arbitrary_json', 'ArbitraryJson', 'bool'],
      ['event_prefix', 'EventPrefix', 'string'],
    ]),
    toConfig: (m) => {
      const given: string[] = m.getUplinkValuesList();
      return {
        key: m.getKey(),
        uplink_values: [given[0] ?? '', given[1] ?? ''],
        arbitrary_json: m.getArbitraryJson(),
        event_prefix: m.getEventPrefix(),
      };
    },
    toMessage(appId, c) {
      const m = new applicationPb.IftttIntegration();
      m.setApplicationId(appId);
      m.setKey(c.key as string);
      m.setUplinkValuesList(c.uplink_values as string[]);
      m.setArbitraryJson(c.arbitrary_json as boolean);
      m.setEventPrefix(c.event_prefix as string);
      return m;
    },
    checkCreate(m) {
      const prefix: string = m.getEventPrefix();
      if (prefix !== '' && !IFTTT_EVENT_PREFIX.test(prefix))
        throw new FakeRpcError(
          GrpcStatus.INVALID_ARGUMENT,
          'event_prefix may only contain A-Z, a-z and 0-9 characters',
        );
    },
  },
  flatKind('Blynk', [['token', 'Token', 'string']]),
];

/** The API enum value of a stored kind (api/application.proto IntegrationKind). */
const API_KIND: Record<IntegrationKindName, number> = {
  Http: applicationPb.IntegrationKind.HTTP,
  InfluxDb: applicationPb.IntegrationKind.INFLUX_DB,
  ThingsBoard: applicationPb.IntegrationKind.THINGS_BOARD,
  MyDevices: applicationPb.IntegrationKind.MY_DEVICES,
  GcpPubSub: applicationPb.IntegrationKind.GCP_PUB_SUB,
  AwsSns: applicationPb.IntegrationKind.AWS_SNS,
  AzureServiceBus: applicationPb.IntegrationKind.AZURE_SERVICE_BUS,
  PilotThings: applicationPb.IntegrationKind.PILOT_THINGS,
  Ifttt: applicationPb.IntegrationKind.IFTTT,
  Blynk: applicationPb.IntegrationKind.BLYNK,
};

/** ValidateApplicationAccess on an application id (the application's tenant is its owner). */
function access(ctx: CallContext, appId: string, flag: 'read' | 'write'): void {
  checkOwned(ctx.key, flag, ctx.state.applications.get(appId)?.tenant_id);
}

function requireIntegration(req: Req): Req {
  const m = req.getIntegration();
  if (!m) throw new FakeRpcError(GrpcStatus.INVALID_ARGUMENT, 'integration is missing');
  return m;
}

function handlersOf(codec: KindCodec): ServiceHandlers {
  const rows = (ctx: CallContext, appId: string) => ctx.state.integrations.get(appId);
  return {
    [`create${codec.rpc}`](req, ctx) {
      const m = requireIntegration(req);
      const appId = parseUuid(m.getApplicationId());
      access(ctx, appId, 'write');
      codec.checkCreate?.(m);
      if (!ctx.state.applications.has(appId))
        throw foreignKey('application_integration', 'application_integration_application_id_fkey');
      if (rows(ctx, appId)?.has(codec.kind)) throw duplicateKey('application_integration_pkey');
      const byKind = rows(ctx, appId) ?? new Map();
      byKind.set(codec.kind, { configuration: codec.toConfig(m), created_at: ctx.now, updated_at: ctx.now });
      ctx.state.integrations.set(appId, byKind);
      return new emptyPb.Empty();
    },
    [`get${codec.rpc}`](req, ctx) {
      const appId = parseUuid(req.getApplicationId());
      access(ctx, appId, 'read');
      const row = rows(ctx, appId)?.get(codec.kind);
      if (!row) throw notFound(appId);
      const res = new codec.response();
      res.setIntegration(codec.toMessage(appId, row.configuration));
      return res;
    },
    [`update${codec.rpc}`](req, ctx) {
      const m = requireIntegration(req);
      const appId = parseUuid(m.getApplicationId());
      access(ctx, appId, 'write');
      const row = rows(ctx, appId)?.get(codec.kind);
      if (!row) throw notFound(appId);
      row.configuration = codec.toConfig(m);
      row.updated_at = ctx.now;
      return new emptyPb.Empty();
    },
    [`delete${codec.rpc}`](req, ctx) {
      const appId = parseUuid(req.getApplicationId());
      access(ctx, appId, 'write');
      if (!rows(ctx, appId)?.delete(codec.kind)) throw notFound(appId);
      return new emptyPb.Empty();
    },
  };
}

/** The integration handlers of ApplicationService: every kind of v4.19.0, and the list. */
export function integrationHandlers(): ServiceHandlers {
  return {
    listIntegrations(req, ctx) {
      const appId = parseUuid(req.getApplicationId());
      access(ctx, appId, 'read');
      const kinds = [...(ctx.state.integrations.get(appId)?.keys() ?? [])].sort();
      const res = new applicationPb.ListIntegrationsResponse();
      res.setTotalCount(kinds.length + 1);
      res.setResultList(
        [...kinds.map((k) => API_KIND[k]), applicationPb.IntegrationKind.MQTT_GLOBAL].map((kind) => {
          const item = new applicationPb.IntegrationListItem();
          item.setKind(kind as 0);
          return item;
        }),
      );
      return res;
    },
    ...Object.assign({}, ...KINDS.map(handlersOf)),
  };
}
