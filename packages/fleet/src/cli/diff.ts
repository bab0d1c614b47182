import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ProvisioningSpec } from '@fieldops/contracts/chirpstack/v1';
import type { Device as RegistryDevice } from '@fieldops/contracts/registry/v1';
import type { DesiredState } from '@fieldops/sdk/chirpstack';
import {
  type CliCommand,
  type CliIo,
  centreTarget,
  EXIT,
  readDocument,
  UsageError,
} from '@fieldops/sdk/cli/api';
import { httpCentreReader } from '../drift/centre-reader.js';
import type { SiteDriftReport } from '../drift/diff-site.js';

const USAGE = `fieldops fleet diff --site SITE_ID --chirpstack HOST:PORT [--centre URL] [--no-centre] [--spec FILE [--registry URL]] [--tenant-id ID] [--no-keys] [--json]

Compares the site's ChirpStack (actual, authoritative) with the registry (desired: --spec, and
registry records with --registry) and the central mirror, entity by entity and field by field, and
names which of the three disagree. The centre is read through its read-only HTTP API (fleet.v1):
--centre URL, else FIELDOPS_FLEET_URL; its bearer token from FIELDOPS_FLEET_TOKEN (or the variable
--token-env names). Without either URL (or with --no-centre) the centre is not compared.
--no-keys     do not read each device's keys (one GetKeys per device); keys changed by hand then go unseen
--token-ref   SecretRef of the ChirpStack API token (default env:CHIRPSTACK_API_TOKEN)
--tls         talk TLS to ChirpStack
Key values are compared as fingerprints; never printed.
Exit 0 when the sources agree, 3 when there is drift, 1 on a failure, 2 on usage errors.`;

/** Exit code of `fleet diff` when the sources disagree. */
export const EXIT_DRIFT = 3;

const show = (v: unknown) => (v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v));

/** The report as text: one block per entity, one line per field. */
export function formatDrift(report: SiteDriftReport): string {
  const lines = [
    `fleet diff ${report.site_id}: ${report.sources.join(', ')} compared` +
      (report.sources.includes('centre')
        ? ` (centre last sync ${report.centre_last_sync_at ?? 'never'})`
        : ''),
  ];
  for (const e of report.entities) {
    lines.push(`${e.kind} ${e.key}: ${e.disagree.join(' and ')} disagree with the site`);
    const presence = Object.entries(e.present);
    if (presence.some(([, p]) => !p))
      lines.push(`  (entity)  ${presence.map(([s, p]) => `${s}=${p ? 'present' : 'absent'}`).join('  ')}`);
    for (const f of e.fields)
      lines.push(
        `  ${f.field}  ${report.sources
          .filter((s) => s === 'site' || f.disagree.includes(s) || f[s] !== undefined)
          .map((s) => `${s}=${show(f[s])}`)
          .join('  ')}`,
      );
  }
  lines.push(
    report.drift
      ? `${report.entities.length} of ${report.compared} entities differ: ${report.summary.registry_vs_site} registry≠site, ${report.summary.centre_vs_site} centre≠site.`
      : `No drift: ${report.compared} entities agree.`,
  );
  return `${lines.join('\n')}\n`;
}

async function loadDesired(values: Record<string, unknown>, io: CliIo): Promise<DesiredState | undefined> {
  if (!values.spec) {
    if (values.registry) throw new UsageError('fieldops fleet diff: --registry needs --spec FILE');
    return undefined;
  }
  const raw = (await readDocument(resolve(io.cwd, String(values.spec)))) as Record<string, unknown>;
  const spec = ProvisioningSpec.parse({ devices: [], ...raw });
  const registryDevices: RegistryDevice[] = [];
  if (values.registry) {
    const { createRegistryClient, createEnvProvider, createSecretResolver } = await import('@fieldops/sdk');
    const resolver = createSecretResolver({ providers: [createEnvProvider({ env: io.env })] });
    const client = createRegistryClient({
      baseUrl: String(values.registry),
      ...(io.logger ? { logger: io.logger } : {}),
      ...(io.env.FIELDOPS_REGISTRY_TOKEN
        ? { token: async () => (await resolver.resolve('env:FIELDOPS_REGISTRY_TOKEN')).reveal() }
        : {}),
    });
    for await (const d of client.listDevices({ site_id: values.site as never })) registryDevices.push(d);
  }
  return { ...spec, registry_devices: registryDevices };
}

/** `fieldops fleet diff` */
export const fleetDiffCommand: CliCommand = {
  name: 'fleet diff',
  summary: 'Compare a site (actual) with the registry (desired) and the central mirror; exit 3 on drift.',
  usage: USAGE,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        site: { type: 'string' },
        chirpstack: { type: 'string' },
        centre: { type: 'string' },
        'no-centre': { type: 'boolean' },
        'token-env': { type: 'string' },
        spec: { type: 'string' },
        registry: { type: 'string' },
        'tenant-id': { type: 'string' },
        'no-keys': { type: 'boolean' },
        json: { type: 'boolean' },
        tls: { type: 'boolean' },
        'token-ref': { type: 'string' },
      },
    });
    if (!values.site) throw new UsageError('fieldops fleet diff: --site SITE_ID is required');
    if (!values.chirpstack) throw new UsageError('fieldops fleet diff: --chirpstack HOST:PORT is required');
    const desired = await loadDesired(values, io);
    const { createChirpStackClient } = await import('@fieldops/sdk/chirpstack');
    const { createEnvProvider, createFileProvider, createSecretResolver } = await import('@fieldops/sdk');
    const resolver = createSecretResolver({
      providers: [createEnvProvider({ env: io.env }), createFileProvider({ baseDir: io.cwd })],
    });
    const tokenRef = values['token-ref'] ?? 'env:CHIRPSTACK_API_TOKEN';
    const client = createChirpStackClient({
      target: values.chirpstack,
      apiToken: async () => (await resolver.resolve(tokenRef)).reveal(),
      tls: values.tls === true,
      readOnly: true,
      ...(io.logger ? { logger: io.logger } : {}),
    });
    const centre =
      values['no-centre'] !== true && (values.centre || io.env.FIELDOPS_FLEET_URL)
        ? httpCentreReader(centreTarget(values, io))
        : undefined;
    try {
      const { diffSite } = await import('../drift/diff-site.js');
      const report = await diffSite({
        siteId: values.site,
        site: client,
        ...(centre ? { centre } : {}),
        ...(desired ? { desired } : {}),
        resolveSecret: (ref) => resolver.resolve(ref),
        readKeys: values['no-keys'] !== true,
        ...(values['tenant-id'] ? { tenantIds: [values['tenant-id']] } : {}),
      });
      io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDrift(report));
      return report.drift ? EXIT_DRIFT : EXIT.ok;
    } finally {
      client.close();
    }
  },
};
