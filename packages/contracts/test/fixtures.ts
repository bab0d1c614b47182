// Valid example documents, one per contract family. Tests mutate copies of them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const T = '2026-11-27T10:00:00Z';
export const RUN = 'run_01jd8y3k2m0000000000000009';
export const DEP = 'dep_01jd8y3k2m0000000000000001';
export const SITE = 'site_01jd8y3k2m0000000000000001';
export const STN = 'stn_01jd8y3k2m00000000000000r1';

/** The example execution spec shipped under examples/documents. */
export const executionSpec = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../examples/documents/site-bkk-01.spec.json', import.meta.url)),
    'utf8',
  ),
) as Record<string, unknown>;

const tagRead = (i: number) => ({
  type: 'tag_read',
  event_id: `evt-${String(i).padStart(8, '0')}`,
  station_id: STN,
  occurred_at: T,
  seq: i,
  epc: 'E28011606000020A1B2C3D4E',
  antenna: 1,
  rssi_dbm: -57.5,
});

export const examples: Record<string, unknown> = {
  'automation.v1.ExecutionSpec': executionSpec,
  'rfid.v1.EventBatch': {
    events: [
      tagRead(1),
      {
        type: 'heartbeat',
        event_id: 'hb-000000001',
        station_id: STN,
        occurred_at: T,
        uptime_s: 3600,
        queue_depth: 0,
      },
      {
        type: 'fault',
        event_id: 'flt-00000001',
        station_id: STN,
        occurred_at: T,
        code: 'ANT2_OPEN',
        message: 'antenna 2 open',
        severity: 'warning',
      },
      tagRead(2),
    ],
  },
  'rfid.v1.ClaimRequest': {
    claim_code: 'CLAIM-7H2K-99',
    mac: '00:1B:44:11:3A:B7',
    model: 'R700',
    firmware_version: '8.1.0',
  },
  'rfid.v1.ClaimResponse': {
    station_id: STN,
    station_token: 'stk_live_0123456789abcdef0123',
    config: {
      ingest_url: 'http://10.20.0.5/api/v1/events',
      heartbeat_interval_s: 30,
      batch_max_events: 500,
      batch_max_wait_ms: 1000,
    },
  },
  'rfid.v1.StationStatus': {
    station_id: STN,
    state: 'online',
    last_seen_at: T,
    site_id: SITE,
    line_id: 'dock-1',
  },
  'rfid.v1.MapRequest': { site_id: SITE, line_id: 'dock-1', deployment_id: DEP },
  'registry.v1.Device': {
    device_id: 'dev_01jd8y3k2m00000000000000s1',
    customer_id: 'cus_01jd8y3k2m0000000000000001',
    site_id: SITE,
    deployment_id: DEP,
    product_code: 'COLDCHAIN-LW',
    product_version: '2.3.0',
    role: 'sensor',
    desired_state: { version: 3, updated_at: T, data: { uplink_interval_s: 600 } },
    observed_state: { version: 7, updated_at: T, data: { battery: 92 } },
    external_refs: { chirpstack: { dev_eui: 'A84041000181C001' }, rfid: {} },
    created_at: T,
    updated_at: T,
  },
  'automation.v1.RunRecord': {
    automation_run_id: RUN,
    spec_version: 1,
    deployment_id: DEP,
    project: 'site-bkk-01',
    status: 'failed',
    queued_at: T,
    started_at: T,
    finished_at: T,
    timeline: [
      { at: T, status: 'running' },
      { at: T, status: 'failed', step_id: 'health-checks', attempt: 3, message: 'udp 1700: no reply' },
    ],
    steps: [
      {
        step_id: 'health-checks',
        kind: 'run_health_checks',
        status: 'failed',
        attempts: 3,
        duration_ms: 1520,
      },
    ],
    links: [{ rel: 'bundle', href: 'projects/site-bkk-01/runs/2026-11-27/run_01jd8y3k2m0000000000000009/' }],
  },
  'kb.v1.LogEntry': {
    ts: T,
    level: 'info',
    msg: 'docker compose up -d',
    step_id: 'deploy-rfid',
    stream: 'stdout',
  },
  'kb.v1.ConfigSnapshot': {
    snapshot_version: 1,
    name: 'chirpstack-compose',
    taken_at: T,
    format: 'json',
    content: { env: { TZ: 'Asia/Bangkok', POSTGRES_PASSWORD: '[redacted]' } },
    redactions: [{ path: 'env.POSTGRES_PASSWORD', reason: 'key_name' }],
  },
  'events.v1.ChirpstackGatewayOffline': {
    specversion: '1.0',
    id: 'evt-1',
    source: '/sites/site_01jd8y3k2m0000000000000001/chirpstack',
    type: 'io.fieldops.chirpstack.gateway.offline.v1',
    time: T,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    data: { gateway_eui: 'ac1f09fffe0a0b01', state: 'offline', previous_state: 'online', last_seen_at: T },
  },
  'notify.v1.Alert': {
    labels: { alertname: 'GatewayOffline', site: 'site-bkk-01' },
    severity: 'critical',
    status: 'firing',
    starts_at: T,
  },
  'chirpstack.v1.ProvisioningSpec': {
    tenant: { name: 'coldchain-bkk' },
    applications: [{ name: 'cold-chain' }],
    device_profiles: [
      {
        name: 'temp-sensor-as923',
        region: 'as923',
        mac_version: 'LORAWAN_1_0_3',
        reg_params_revision: 'A',
        supports_otaa: true,
        uplink_interval_s: 600,
      },
    ],
    devices: [
      {
        dev_eui: 'a84041000181c001',
        name: 'bkk-01-freezer-1',
        application: 'cold-chain',
        device_profile: 'temp-sensor-as923',
        keys: { nwk_key_ref: 'vault:kv/data/site-bkk-01/lorawan#freezer-1-app-key' },
      },
    ],
    gateways: [{ gateway_eui: 'ac1f09fffe0a0b01', name: 'bkk-01-gw-roof' }],
  },
};
