import type { RpcCaller } from '../client.js';
import { fillMap, mapToRecord, revealSecret, secretValue } from '../convert.js';
import { applicationPb } from '../proto.js';
import type { SecretInput, SecretValue } from '../types.js';

// Application integrations (ApplicationService, api/application.proto of chirpstack-api 4.19.0).
// Secrets an integration holds (HTTP header values, InfluxDB password and token) come back as
// SecretValues: they print as [redacted] and are read only with reveal().

/** Integration kinds as fieldops names them (api IntegrationKind, lower case). */
export const INTEGRATION_KINDS = [
  'http',
  'influxdb',
  'thingsboard',
  'mydevices',
  'gcp_pubsub',
  'aws_sns',
  'azure_service_bus',
  'pilot_things',
  'mqtt_global',
  'ifttt',
  'blynk',
] as const;
/** An integration kind. */
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];
/** The kinds fieldops reads and writes in full (the others are listed only). */
export type ManagedIntegrationKind = 'http' | 'influxdb' | 'thingsboard';

const API_KINDS: Record<number, IntegrationKind> = {
  [applicationPb.IntegrationKind.HTTP]: 'http',
  [applicationPb.IntegrationKind.INFLUX_DB]: 'influxdb',
  [applicationPb.IntegrationKind.THINGS_BOARD]: 'thingsboard',
  [applicationPb.IntegrationKind.MY_DEVICES]: 'mydevices',
  [applicationPb.IntegrationKind.GCP_PUB_SUB]: 'gcp_pubsub',
  [applicationPb.IntegrationKind.AWS_SNS]: 'aws_sns',
  [applicationPb.IntegrationKind.AZURE_SERVICE_BUS]: 'azure_service_bus',
  [applicationPb.IntegrationKind.PILOT_THINGS]: 'pilot_things',
  [applicationPb.IntegrationKind.MQTT_GLOBAL]: 'mqtt_global',
  [applicationPb.IntegrationKind.IFTTT]: 'ifttt',
  [applicationPb.IntegrationKind.BLYNK]: 'blynk',
};

/** An HTTP integration; every header value is a secret (it may carry a token). */
export interface HttpIntegration<S = SecretValue> {
  kind: 'http';
  event_endpoint_url: string;
  encoding: 'json' | 'protobuf';
  headers: Record<string, S>;
}
/** An InfluxDB integration (v1: username/password, v2/v3: token). */
export interface InfluxDbIntegration<S = SecretValue> {
  kind: 'influxdb';
  endpoint: string;
  /** 0 InfluxDB 1, 1 InfluxDB 2, 2 InfluxDB 3 (api InfluxDbVersion). */
  version: number;
  db: string;
  username: string;
  password: S;
  retention_policy_name: string;
  /** api InfluxDbPrecision: 0 ns, 1 u, 2 ms, 3 s, 4 m, 5 h. */
  precision: number;
  token: S;
  organization: string;
  bucket: string;
}
/** A ThingsBoard integration. */
export interface ThingsBoardIntegration {
  kind: 'thingsboard';
  server: string;
}
/** An integration as read (secrets as SecretValues) or written (`S = SecretInput`). */
export type ApplicationIntegration<S = SecretValue> =
  | HttpIntegration<S>
  | InfluxDbIntegration<S>
  | ThingsBoardIntegration;
/** An integration to create or update. */
export type ApplicationIntegrationInput = ApplicationIntegration<SecretInput>;

const RPC: Record<ManagedIntegrationKind, string> = {
  http: 'HttpIntegration',
  influxdb: 'InfluxDbIntegration',
  thingsboard: 'ThingsBoardIntegration',
};

// biome-ignore lint/suspicious/noExplicitAny: jspb messages of three kinds
type Msg = any;

function toPb(applicationId: string, i: ApplicationIntegrationInput): Msg {
  switch (i.kind) {
    case 'http': {
      const m = new applicationPb.HttpIntegration();
      m.setApplicationId(applicationId);
      m.setEventEndpointUrl(i.event_endpoint_url);
      m.setEncoding(i.encoding === 'json' ? applicationPb.Encoding.JSON : applicationPb.Encoding.PROTOBUF);
      fillMap(
        m.getHeadersMap(),
        Object.fromEntries(Object.entries(i.headers).map(([k, v]) => [k, revealSecret(v)])),
      );
      return m;
    }
    case 'influxdb': {
      const m = new applicationPb.InfluxDbIntegration();
      m.setApplicationId(applicationId);
      m.setEndpoint(i.endpoint);
      m.setVersion(i.version as 0);
      m.setDb(i.db);
      m.setUsername(i.username);
      m.setPassword(revealSecret(i.password));
      m.setRetentionPolicyName(i.retention_policy_name);
      m.setPrecision(i.precision as 0);
      m.setToken(revealSecret(i.token));
      m.setOrganization(i.organization);
      m.setBucket(i.bucket);
      return m;
    }
    case 'thingsboard': {
      const m = new applicationPb.ThingsBoardIntegration();
      m.setApplicationId(applicationId);
      m.setServer(i.server);
      return m;
    }
  }
}

function fromPb(kind: ManagedIntegrationKind, m: Msg): ApplicationIntegration {
  switch (kind) {
    case 'http':
      return {
        kind,
        event_endpoint_url: m.getEventEndpointUrl(),
        encoding: m.getEncoding() === applicationPb.Encoding.JSON ? 'json' : 'protobuf',
        headers: Object.fromEntries(
          Object.entries(mapToRecord(m.getHeadersMap())).map(([k, v]) => [k, secretValue(v)]),
        ),
      };
    case 'influxdb':
      return {
        kind,
        endpoint: m.getEndpoint(),
        version: m.getVersion(),
        db: m.getDb(),
        username: m.getUsername(),
        password: secretValue(m.getPassword()),
        retention_policy_name: m.getRetentionPolicyName(),
        precision: m.getPrecision(),
        token: secretValue(m.getToken()),
        organization: m.getOrganization(),
        bucket: m.getBucket(),
      };
    case 'thingsboard':
      return { kind, server: m.getServer() };
  }
}

/** Whether fieldops reads and writes this kind in full. */
export function isManagedIntegrationKind(kind: string): kind is ManagedIntegrationKind {
  return kind in RPC;
}

/** Application integration methods. */
export function integrationMethods(rpc: RpcCaller) {
  const requestOf = (verb: 'Create' | 'Update', kind: ManagedIntegrationKind, msg: Msg) => {
    const Req = applicationPb[`${verb}${RPC[kind]}Request` as 'CreateHttpIntegrationRequest'];
    const req = new Req();
    req.setIntegration(msg);
    return req;
  };
  return {
    /** The kinds of integration an application has (ChirpStack always adds `mqtt_global`). */
    async listIntegrations(applicationId: string): Promise<IntegrationKind[]> {
      const req = new applicationPb.ListIntegrationsRequest();
      req.setApplicationId(applicationId);
      const res = await rpc.call<InstanceType<typeof applicationPb.ListIntegrationsResponse>>(
        'ApplicationService',
        'listIntegrations',
        req,
        { subject: applicationId },
      );
      return res.getResultList().map((i) => API_KINDS[i.getKind()] ?? ('unknown' as IntegrationKind));
    },
    /** Reads one integration of an application (NotFound when it has none of that kind). */
    async getIntegration(
      applicationId: string,
      kind: ManagedIntegrationKind,
    ): Promise<ApplicationIntegration> {
      const Req = applicationPb[`Get${RPC[kind]}Request` as 'GetHttpIntegrationRequest'];
      const req = new Req();
      req.setApplicationId(applicationId);
      const res = await rpc.call<Msg>('ApplicationService', `get${RPC[kind]}`, req, {
        subject: applicationId,
      });
      return fromPb(kind, res.getIntegration());
    },
    /** Creates an integration (an application has at most one of each kind). */
    async createIntegration(applicationId: string, integration: ApplicationIntegrationInput): Promise<void> {
      await rpc.call(
        'ApplicationService',
        `create${RPC[integration.kind]}`,
        requestOf('Create', integration.kind, toPb(applicationId, integration)),
        { mutating: true, subject: applicationId },
      );
    },
    /** Replaces an integration's configuration. */
    async updateIntegration(applicationId: string, integration: ApplicationIntegrationInput): Promise<void> {
      await rpc.call(
        'ApplicationService',
        `update${RPC[integration.kind]}`,
        requestOf('Update', integration.kind, toPb(applicationId, integration)),
        { mutating: true, subject: applicationId },
      );
    },
    /** Deletes an application's integration of one kind. */
    async deleteIntegration(applicationId: string, kind: ManagedIntegrationKind): Promise<void> {
      const Req = applicationPb[`Delete${RPC[kind]}Request` as 'DeleteHttpIntegrationRequest'];
      const req = new Req();
      req.setApplicationId(applicationId);
      await rpc.call('ApplicationService', `delete${RPC[kind]}`, req, {
        mutating: true,
        subject: applicationId,
      });
    },
  };
}
