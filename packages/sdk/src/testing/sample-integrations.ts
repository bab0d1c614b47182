// Integrations as a user writes them, one of each kind ChirpStack 4.19 has besides HTTP, InfluxDB and
// ThingsBoard, for tests that check a backup or a sync carries references and never the secrets.
import type { ApplicationIntegrationInput } from '../chirpstack/resources/integrations.js';

/** The credential of each sample integration that holds one (a recognisable canary by default). */
export interface SampleIntegrationSecrets {
  /** GCP Pub/Sub `credentials_file` (a service-account JSON). */
  gcpCredentialsFile: string;
  /** AWS SNS `secret_access_key`. */
  awsSecretAccessKey: string;
  /** Azure Service Bus `connection_string` (it holds the shared access key). */
  azureConnectionString: string;
  /** Pilot Things `token`. */
  pilotThingsToken: string;
  /** IFTTT `key`. */
  iftttKey: string;
  /** Blynk `token`. */
  blynkToken: string;
}

const CANARIES: SampleIntegrationSecrets = {
  gcpCredentialsFile: '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----gcp-canary"}',
  awsSecretAccessKey: 'aws-canary-secret-access-key',
  azureConnectionString:
    'Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=azure-canary=',
  pilotThingsToken: 'pilot-things-canary-token',
  iftttKey: 'ifttt-canary-key',
  blynkToken: 'blynk-canary-token',
};

/**
 * One integration of each kind beyond HTTP, InfluxDB and ThingsBoard, in this order: myDevices, GCP
 * Pub/Sub, AWS SNS, Azure Service Bus, Pilot Things, IFTTT, Blynk; credentials from `secrets`, the
 * rest canaries.
 */
export function sampleIntegrations(
  secrets: Partial<SampleIntegrationSecrets> = {},
): ApplicationIntegrationInput[] {
  const s = { ...CANARIES, ...secrets };
  return [
    { kind: 'mydevices', endpoint: 'https://lora.mydevices.com/v1/networks/chirpstackio/uplink' },
    {
      kind: 'gcp_pubsub',
      encoding: 'protobuf',
      credentials_file: s.gcpCredentialsFile,
      project_id: 'acme-iot',
      topic_name: 'uplinks',
    },
    {
      kind: 'aws_sns',
      encoding: 'json',
      region: 'eu-west-1',
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      secret_access_key: s.awsSecretAccessKey,
      topic_arn: 'arn:aws:sns:eu-west-1:123456789012:uplinks',
    },
    {
      kind: 'azure_service_bus',
      encoding: 'json',
      connection_string: s.azureConnectionString,
      publish_name: 'uplinks',
    },
    { kind: 'pilot_things', server: 'https://pilot.example.com', token: s.pilotThingsToken },
    {
      kind: 'ifttt',
      key: s.iftttKey,
      uplink_values: ['', 'temperature'],
      arbitrary_json: true,
      event_prefix: 'acme',
    },
    { kind: 'blynk', token: s.blynkToken },
  ];
}
