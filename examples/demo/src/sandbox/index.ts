// The sandbox: every system the skill talks to, on loopback, started in this process (notify as its own
// `fieldops-notify` process on PGlite). Real servers
// and real protocols (gRPC, HTTP, SMTP, UDP); only their state is in memory (or, for the RFID backend,
// in the demo's data folder).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { automation, registry } from '@fieldops/contracts';
import { startRfidBackend } from '@fieldops/example-rfid-backend';
import {
  createMemoryRegistryBackend,
  createRegistryClient,
  createRegistryHandler,
  serveFetchHandler,
} from '@fieldops/sdk/registry';
import { startFakeChirpStack } from '@fieldops/sdk/testing/chirpstack';
import { startUdpBridge } from './edge.js';
import { startNotifyProcess } from './notify-process.js';
import { startWebhookSinks } from './sinks.js';
import { startSmtpSink } from './smtp.js';
import { startVault } from './vault.js';

const secret = (bytes = 18) => randomBytes(bytes).toString('base64url');
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The site's registry records, as the CRM would hold them for the spec's targets. */
export function registryRecords(spec: automation.ExecutionSpec): registry.DeviceUpsert[] {
  const common = {
    customer_id: spec.customer_id,
    site_id: spec.site_id,
    deployment_id: spec.deployment_id,
    product_code: spec.product_code,
    product_version: spec.product_version,
  };
  const state = (data: Record<string, unknown>) => ({
    version: 1,
    updated_at: new Date().toISOString(),
    updated_by: 'crm',
    data: data as never,
  });
  return [
    ...spec.targets.gateways.map(
      (g): registry.DeviceUpsert => ({
        ...common,
        device_id: g.device_id,
        gateway_id: g.gateway_id,
        name: g.name,
        role: 'gateway',
        desired_state: state({ gateway_eui: g.gateway_eui, region: g.region }),
        external_refs: {},
      }),
    ),
    ...spec.targets.devices.map(
      (d): registry.DeviceUpsert => ({
        ...common,
        device_id: d.device_id,
        name: d.name,
        role: 'sensor',
        desired_state: state({
          chirpstack: {
            application: d.application,
            device_profile: d.device_profile,
            ...(d.join_eui ? { join_eui: d.join_eui } : {}),
            ...(d.app_key_ref ? { keys: { nwk_key_ref: d.app_key_ref } } : {}),
          },
        }),
        external_refs: { chirpstack: { dev_eui: d.dev_eui } },
      }),
    ),
    ...spec.targets.stations.map(
      (s): registry.DeviceUpsert => ({
        ...common,
        device_id: s.device_id,
        role: 'station',
        desired_state: state({ line_id: s.line_id ?? 'default' }),
        external_refs: { rfid: { mac: s.mac.toLowerCase().replace(/-/g, ':') } },
      }),
    ),
  ];
}

/** Starts everything; `dataDir` holds the RFID backend's journals and notify's store. */
export async function startSandbox(spec: automation.ExecutionSpec, dataDir: string) {
  const tokens = {
    registry: secret(),
    rfid: secret(),
    notify: secret(),
    vault: secret(),
    chirpstack: secret(),
  };
  const claimCodes = spec.targets.stations.map((_, i) => `DEMO-CLAIM-${i + 1}-${hex(3)}`);

  const chirpstack = await startFakeChirpStack({ apiToken: tokens.chirpstack });

  const registryBackend = createMemoryRegistryBackend({ apiTokens: [tokens.registry] });
  const registryServer = await serveFetchHandler(createRegistryHandler({ backend: registryBackend }));
  // Seeded through the API, as the CRM would write them.
  const crm = createRegistryClient({ baseUrl: registryServer.url, token: tokens.registry });
  for (const record of registryRecords(spec)) await crm.upsertDevice(record.device_id, record);
  registryBackend.putDeploymentSpec(spec);

  const rfid = await startRfidBackend({
    dataDir: join(dataDir, 'rfid-backend'),
    claimCodes,
    apiTokens: [tokens.rfid],
  });

  const lorawan: Record<string, string> = {};
  for (const d of spec.targets.devices) {
    const key = d.app_key_ref?.split('#')[1];
    if (key) lorawan[key] = hex(16);
  }
  const vault = await startVault(tokens.vault, {
    'kv/data/site-bkk-01/chirpstack': {
      api_token: tokens.chirpstack,
      postgres_password: secret(),
      mqtt_password: secret(),
      api_secret: secret(),
    },
    'kv/data/site-bkk-01/rfid': { db_password: secret() },
    'kv/data/site-bkk-01/lorawan': lorawan,
  });

  const udp = await startUdpBridge();
  const sinks = await startWebhookSinks();
  const smtp = await startSmtpSink(sinks.messages);
  const notify = await startNotifyProcess(sinks.url, smtp.port, tokens.notify, join(dataDir, 'notify'));

  const rfidHostPort = new URL(rfid.url).host;
  const env: Record<string, string> = {
    FIELDOPS_REGISTRY_URL: registryServer.url,
    FIELDOPS_REGISTRY_TOKEN: tokens.registry,
    FIELDOPS_RFID_URL: rfid.url,
    FIELDOPS_RFID_TOKEN: tokens.rfid,
    FIELDOPS_NOTIFY_URL: notify.url,
    FIELDOPS_NOTIFY_TOKEN: tokens.notify,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: tokens.vault,
  };
  spec.targets.stations.forEach((s, i) => {
    const name = s.claim_code_ref?.startsWith('env:') ? s.claim_code_ref.slice(4) : undefined;
    if (name) env[name] = claimCodes[i]!;
  });

  return {
    chirpstack,
    registry: { url: registryServer.url, backend: registryBackend },
    rfid,
    vault,
    udp,
    sinks,
    smtp,
    notify,
    /** Environment for the skill: endpoints, tokens, claim codes. */
    env,
    /** `--resolve` arguments: the spec's edge VM addresses, mapped into the sandbox. */
    resolve: [
      `bkk-01-edge.lan:8080=${chirpstack.target}`,
      `bkk-01-edge.lan:1700=127.0.0.1:${udp.port}`,
      `bkk-01-edge.lan:80=${rfidHostPort}`,
    ],
    /** Values no log, bundle or page may contain. */
    secrets: [...Object.values(tokens), ...claimCodes, ...Object.values(lorawan)],
    async close() {
      await notify.close();
      await smtp.close();
      await sinks.close();
      await udp.close();
      await vault.close();
      await rfid.close();
      await registryServer.close();
      await chirpstack.stop();
    },
  };
}

/** The sandbox's type. */
export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
