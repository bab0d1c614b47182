import { describe, expect, it } from 'vitest';
import { ContractError, getContractSchema, parseContract, validateContract } from '../src/index.js';
import { examples } from './fixtures.js';

type Mutation = [description: string, contract: string, mutate: (doc: any) => void, expected: string];

const clone = <T>(v: T): T => structuredClone(v);

describe('valid examples are accepted', () => {
  it.each(Object.keys(examples))('%s', (id) => {
    const result = validateContract(id, examples[id]);
    expect(result.success ? 'ok' : result.error.message).toBe('ok');
  });
});

const mutations: Mutation[] = [
  [
    'unknown action kind',
    'automation.v1.ExecutionSpec',
    (d) => (d.actions[2].kind = 'reboot_gateway'),
    'automation.v1.ExecutionSpec: actions[2].kind: unknown action kind',
  ],
  [
    'wrong spec_version',
    'automation.v1.ExecutionSpec',
    (d) => (d.spec_version = 2),
    'automation.v1.ExecutionSpec: spec_version: expected spec_version 1',
  ],
  [
    'duplicate step ids',
    'automation.v1.ExecutionSpec',
    (d) => (d.actions[1].id = d.actions[0].id),
    'actions[1].id: duplicate step id provision-vm (also actions[0])',
  ],
  [
    'gateway not among targets',
    'automation.v1.ExecutionSpec',
    (d) => (d.actions[3].gateway_id = 'gw_other0000'),
    'actions[3].gateway_id: gateway gw_other0000 is not among targets.gateways',
  ],
  [
    'a typo in an authored key',
    'automation.v1.ExecutionSpec',
    (d) => (d.actions[0].memroy_mb = 1),
    'actions[0]: Unrecognized key: "memroy_mb"',
  ],
  [
    'a secret value where a reference belongs',
    'automation.v1.ExecutionSpec',
    (d) => (d.actions[1].secrets.POSTGRES_PASSWORD = 'hunter2'),
    'actions[1].secrets.POSTGRES_PASSWORD: expected a secret reference',
  ],
  [
    'a bad region',
    'automation.v1.ExecutionSpec',
    (d) => (d.targets.gateways[0].region = 'eu868'),
    'targets.gateways[0].region: expected an AS923 plan',
  ],
  [
    'a station id with the wrong prefix',
    'rfid.v1.EventBatch',
    (d) => (d.events[3].station_id = 'dev_01jd8y3k2m00000000000000r1'),
    'rfid.v1.EventBatch: events[3].station_id: expected an id starting stn_',
  ],
  ['an empty batch', 'rfid.v1.EventBatch', (d) => (d.events = []), 'rfid.v1.EventBatch: events: Too small'],
  [
    'an unknown event type',
    'rfid.v1.EventBatch',
    (d) => (d.events[0].type = 'tag_lost'),
    'rfid.v1.EventBatch: events[0].type',
  ],
  [
    'rssi above 0 dBm',
    'rfid.v1.EventBatch',
    (d) => (d.events[0].rssi_dbm = 3),
    'events[0].rssi_dbm: Too big',
  ],
  [
    'a malformed MAC',
    'rfid.v1.ClaimRequest',
    (d) => (d.mac = '00:1B:44:11:3A'),
    'rfid.v1.ClaimRequest: mac: expected a MAC address',
  ],
  // Issue 11 item 18: a MAC with fewer than two hex digits made the refinement throw ("(root): input
  // could not be read"); the field's own message must come out.
  [
    'a one-letter MAC',
    'rfid.v1.ClaimRequest',
    (d) => (d.mac = 'x'),
    'rfid.v1.ClaimRequest: mac: expected a MAC address',
  ],
  [
    'a MAC without hex digits',
    'rfid.v1.ClaimRequest',
    (d) => (d.mac = 'zz:zz'),
    'rfid.v1.ClaimRequest: mac: expected a MAC address',
  ],
  [
    'a MAC with one hex digit',
    'rfid.v1.StationStatus',
    (d) => (d.mac = 'a'),
    'rfid.v1.StationStatus: mac: expected a MAC address',
  ],
  [
    'a datacontenttype that is not JSON',
    'events.v1.ChirpstackGatewayOffline',
    (d) => (d.datacontenttype = 'text/plain; charset=utf-8'),
    'events.v1.ChirpstackGatewayOffline: datacontenttype: expected application/json',
  ],
  [
    'a short DevEUI',
    'registry.v1.Device',
    (d) => (d.external_refs.chirpstack.dev_eui = 'a840410001'),
    'registry.v1.Device: external_refs.chirpstack.dev_eui: expected a DevEUI: 16 hex digits',
  ],
  [
    'a gateway_id on a sensor',
    'registry.v1.Device',
    (d) => (d.gateway_id = 'gw_01jd8y3k2m00000000000000g1'),
    'registry.v1.Device: gateway_id: only records with role gateway carry a gateway_id',
  ],
  [
    'a non-semver product version',
    'registry.v1.Device',
    (d) => (d.product_version = '2.3'),
    'registry.v1.Device: product_version: expected a semantic version',
  ],
  [
    'state without version',
    'registry.v1.Device',
    (d) => delete d.desired_state.version,
    'registry.v1.Device: desired_state.version',
  ],
  ['an unknown role', 'registry.v1.Device', (d) => (d.role = 'router'), 'registry.v1.Device: role'],
  [
    'a bad timestamp',
    'automation.v1.RunRecord',
    (d) => (d.timeline[1].at = 'yesterday'),
    'automation.v1.RunRecord: timeline[1].at: expected an RFC 3339 timestamp',
  ],
  ['a bad log level', 'kb.v1.LogEntry', (d) => (d.level = 'verbose'), 'kb.v1.LogEntry: level'],
  [
    'a bad traceparent',
    'events.v1.ChirpstackGatewayOffline',
    (d) => (d.traceparent = '00-abc-01'),
    'traceparent: expected a W3C traceparent',
  ],
  [
    'wrong data for the type',
    'events.v1.ChirpstackGatewayOffline',
    (d) => delete d.data.gateway_eui,
    'events.v1.ChirpstackGatewayOffline: data.gateway_eui',
  ],
  [
    'an alert without alertname',
    'notify.v1.Alert',
    (d) => delete d.labels.alertname,
    'notify.v1.Alert: labels: expected labels.alertname',
  ],
  [
    'a device key given as a value',
    'chirpstack.v1.ProvisioningSpec',
    (d) => (d.devices[0].keys.nwk_key_ref = '00112233445566778899aabbccddeeff'),
    'chirpstack.v1.ProvisioningSpec: devices[0].keys.nwk_key_ref: expected a secret reference',
  ],
];

describe('invalid documents are rejected at the expected path', () => {
  it.each(mutations)('%s', (_name, id, mutate, expected) => {
    const doc = clone(examples[id]);
    mutate(doc);
    const result = validateContract(id, doc);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.message).toContain(expected);
  });
});

describe('normalization', () => {
  it('lower-cases EUIs and canonicalizes MACs', () => {
    const device = parseContract(
      getContractSchema('registry.v1.Device') as never,
      examples['registry.v1.Device'],
    ) as any;
    expect(device.external_refs.chirpstack.dev_eui).toBe('a84041000181c001');
    const claim = parseContract(getContractSchema('rfid.v1.ClaimRequest') as never, {
      ...(examples['rfid.v1.ClaimRequest'] as object),
      mac: '001B.4411.3AB7',
    }) as any;
    expect(claim.mac).toBe('00:1b:44:11:3a:b7');
  });

  // Issue 11 item 19: the CloudEvents SDK's binary mode sends `application/json; charset=utf-8`.
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])(
    'accepts datacontenttype %s (media-type parameters are allowed)',
    (type) => {
      const doc = clone(examples['events.v1.ChirpstackGatewayOffline']) as any;
      doc.datacontenttype = type;
      const result = validateContract('events.v1.ChirpstackGatewayOffline', doc);
      expect(result.success ? 'ok' : result.error.message).toBe('ok');
    },
  );

  it('never echoes input values in messages (a secret pasted in the wrong field stays out)', () => {
    const doc = clone(examples['rfid.v1.ClaimRequest']) as any;
    doc.mac = 'CANARY-s3cr3t-Zx9';
    const result = validateContract('rfid.v1.ClaimRequest', doc);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.message).not.toContain('CANARY');
      expect(JSON.stringify(result.error)).not.toContain('CANARY');
    }
  });

  it('reports an unknown contract name as a ContractError with a hint', () => {
    const result = validateContract('rfid.v1.EventBatches', {});
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error).toBeInstanceOf(ContractError);
      expect(result.error.message).toContain('no contract named rfid.v1.EventBatches');
    }
  });
});
