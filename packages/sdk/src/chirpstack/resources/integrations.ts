import type { RpcCaller } from '../client.js';
import { fillMap, mapToRecord, revealSecret, secretValue } from '../convert.js';
import { applicationPb } from '../proto.js';
import type { SecretInput, SecretValue } from '../types.js';

// Application integrations (ApplicationService, api/application.proto of chirpstack-api 4.19.0).
// Secrets an integration holds (HTTP header values, InfluxDB password and token, the GCP credentials
// file, the AWS secret access key, the Azure connection string, the Pilot Things, IFTTT and Blynk
// keys and tokens) come back as SecretValues: they print as [redacted] and are read only with
// reveal(). chirpstack-api 4.19.0 has no LoRa Cloud integration (api/application_grpc_pb.d.ts).

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
/** The kinds fieldops reads and writes in full: every kind but `mqtt_global` (nothing stored). */
export type ManagedIntegrationKind = Exclude<IntegrationKind, 'mqtt_global'>;

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
/** A myDevices integration. */
export interface MyDevicesIntegration {
  kind: 'mydevices';
  endpoint: string;
}
/** A GCP Pub/Sub integration; the service-account credentials file is a secret. */
export interface GcpPubSubIntegration<S = SecretValue> {
  kind: 'gcp_pubsub';
  encoding: 'json' | 'protobuf';
  credentials_file: S;
  project_id: string;
  topic_name: string;
}
/** An AWS SNS integration; the secret access key is a secret (the key id is not). */
export interface AwsSnsIntegration<S = SecretValue> {
  kind: 'aws_sns';
  encoding: 'json' | 'protobuf';
  region: string;
  access_key_id: string;
  secret_access_key: S;
  topic_arn: string;
}
/** An Azure Service Bus integration; the connection string (it holds the key) is a secret. */
export interface AzureServiceBusIntegration<S = SecretValue> {
  kind: 'azure_service_bus';
  encoding: 'json' | 'protobuf';
  connection_string: S;
  publish_name: string;
}
/** A Pilot Things integration; the token is a secret. */
export interface PilotThingsIntegration<S = SecretValue> {
  kind: 'pilot_things';
  server: string;
  token: S;
}
/** An IFTTT integration; the webhooks key is a secret. */
export interface IftttIntegration<S = SecretValue> {
  kind: 'ifttt';
  key: S;
  /** ChirpStack stores exactly two (the first is reserved for the DevEUI). */
  uplink_values: string[];
  arbitrary_json: boolean;
  event_prefix: string;
}
/** A Blynk integration; the token is a secret. */
export interface BlynkIntegration<S = SecretValue> {
  kind: 'blynk';
  token: S;
}
/** An integration as read (secrets as SecretValues) or written (`S = SecretInput`). */
export type ApplicationIntegration<S = SecretValue> =
  | HttpIntegration<S>
  | InfluxDbIntegration<S>
  | ThingsBoardIntegration
  | MyDevicesIntegration
  | GcpPubSubIntegration<S>
  | AwsSnsIntegration<S>
  | AzureServiceBusIntegration<S>
  | PilotThingsIntegration<S>
  | IftttIntegration<S>
  | BlynkIntegration<S>;
/** An integration to create or update. */
export type ApplicationIntegrationInput = ApplicationIntegration<SecretInput>;

const RPC: Record<ManagedIntegrationKind, string> = {
  http: 'HttpIntegration',
  influxdb: 'InfluxDbIntegration',
  thingsboard: 'ThingsBoardIntegration',
  mydevices: 'MyDevicesIntegration',
  gcp_pubsub: 'GcpPubSubIntegration',
  aws_sns: 'AwsSnsIntegration',
  azure_service_bus: 'AzureServiceBusIntegration',
  pilot_things: 'PilotThingsIntegration',
  ifttt: 'IftttIntegration',
  blynk: 'BlynkIntegration',
};

/** How one field of a flat integration message is carried: its jspb accessor suffix and type. */
type FieldType = 'string' | 'bool' | 'encoding' | 'strings' | 'secret';
/**
 * The kinds whose messages are flat (one accessor per field), field by field: the name fieldops
 * uses, the jspb accessor suffix, the type. `secret` fields are SecretValues when read.
 */
export const FLAT_INTEGRATION_FIELDS: Record<
  Exclude<ManagedIntegrationKind, 'http' | 'influxdb' | 'thingsboard'>,
  ReadonlyArray<readonly [string, string, FieldType]>
> = {
  mydevices: [['endpoint', 'Endpoint', 'string']],
  gcp_pubsub: [
    ['encoding', 'Encoding', 'encoding'],
    ['credentials_file', 'CredentialsFile', 'secret'],
    ['project_id', 'ProjectId', 'string'],
    ['topic_name', 'TopicName', 'string'],
  ],
  aws_sns: [
    ['encoding', 'Encoding', 'encoding'],
    ['region', 'Region', 'string'],
    ['access_key_id', 'AccessKeyId', 'string'],
    ['secret_access_key', 'SecretAccessKey', 'secret'],
    ['topic_arn', 'TopicArn', 'string'],
  ],
  azure_service_bus: [
    ['encoding', 'Encoding', 'encoding'],
    ['connection_string', 'ConnectionString', 'secret'],
    ['publish_name', 'PublishName', 'string'],
  ],
  pilot_things: [
    ['server', 'Server', 'string'],
    ['token', 'Token', 'secret'],
  ],
  ifttt: [
    ['key', 'Key', 'secret'],
    ['uplink_values', 'UplinkValuesList', 'strings'],
    ['arbitrary_json', 'ArbitraryJson', 'bool'],
    ['event_prefix', 'EventPrefix', 'string'],
  ],
  blynk: [['token', 'Token', 'secret']],
};

/** Whether a kind's message is flat (described in FLAT_INTEGRATION_FIELDS). */
export function isFlatIntegrationKind(kind: string): kind is keyof typeof FLAT_INTEGRATION_FIELDS {
  return kind in FLAT_INTEGRATION_FIELDS;
}

// biome-ignore lint/suspicious/noExplicitAny: jspb messages of three kinds
type Msg = any;

function toPb(applicationId: string, i: ApplicationIntegrationInput): Msg {
  if (isFlatIntegrationKind(i.kind)) {
    const m = new (applicationPb as unknown as Record<string, new () => Msg>)[RPC[i.kind]]!();
    m.setApplicationId(applicationId);
    const values = i as unknown as Record<string, unknown>;
    for (const [name, pb, type] of FLAT_INTEGRATION_FIELDS[i.kind]) {
      const v = values[name];
      if (type === 'encoding')
        m[`set${pb}`](v === 'json' ? applicationPb.Encoding.JSON : applicationPb.Encoding.PROTOBUF);
      else if (type === 'secret') m[`set${pb}`](revealSecret(v as SecretInput));
      else m[`set${pb}`](v);
    }
    return m;
  }
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
    default:
      throw new TypeError(`chirpstack: unknown integration kind ${(i as { kind: string }).kind}`);
  }
}

function fromPb(kind: ManagedIntegrationKind, m: Msg): ApplicationIntegration {
  if (isFlatIntegrationKind(kind)) {
    const out: Record<string, unknown> = { kind };
    for (const [name, pb, type] of FLAT_INTEGRATION_FIELDS[kind]) {
      const v = m[`get${pb}`]();
      out[name] =
        type === 'encoding'
          ? v === applicationPb.Encoding.JSON
            ? 'json'
            : 'protobuf'
          : type === 'secret'
            ? secretValue(v)
            : v;
    }
    return out as unknown as ApplicationIntegration;
  }
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
    default:
      throw new TypeError(`chirpstack: unknown integration kind ${kind}`);
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
