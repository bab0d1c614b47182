import { createHash } from 'node:crypto';
import type { FleetIntegration, FleetIntegrationSecret } from '@fieldops/contracts/chirpstack/v1';
import { SecretRef } from '@fieldops/contracts/secrets/v1';
import type { ChirpStackClient } from '../chirpstack-client.js';
import { ChirpStackNotFoundError } from '../errors.js';
import {
  type ApplicationIntegration,
  type ApplicationIntegrationInput,
  FLAT_INTEGRATION_FIELDS,
  isFlatIntegrationKind,
  isManagedIntegrationKind,
} from '../resources/integrations.js';
import type { SecretValue } from '../types.js';

// Application integrations in a backup (issue 16): the configuration travels, the secrets in it
// (HTTP header values, InfluxDB password and token, and every field FLAT_INTEGRATION_FIELDS marks
// `secret`: GCP credentials file, AWS secret access key, Azure connection string, Pilot Things, IFTTT
// and Blynk keys and tokens) never do: each becomes a SecretRef (where the
// site keeps it, from an IntegrationSecretRefSource) and a fingerprint of the value the site held.
// A restore resolves the references again and checks them against the fingerprints.

/** Where one secret of an integration lives. */
export interface IntegrationSecretAt {
  tenant: string;
  application: string;
  /** `http`, `influxdb`. */
  kind: string;
  /** The field path: `headers.Authorization`, `password`, `token`. */
  field: string;
}
/** Where an integration's secret lives (a SecretRef), or undefined when not known. */
export type IntegrationSecretRefSource = (at: IntegrationSecretAt) => string | undefined;

/**
 * References from a rule: `{tenant}`, `{application}`, `{kind}` and `{field}` are replaced, e.g.
 * `vault:kv/data/chirpstack/{application}/{kind}#{field}`. Where the result is not a valid SecretRef
 * (an application name with a space in a vault path, a `.` in an env name) there is no reference:
 * the backup keeps the fingerprint and a restore names the secret it cannot resolve.
 */
export function integrationSecretRefsFromTemplate(template: string): IntegrationSecretRefSource {
  if (!template.includes('{field}'))
    throw new TypeError(
      `chirpstack backup: the integration secret reference template must contain {field}: ${template}`,
    );
  return (at) => {
    const ref = template
      .replaceAll('{tenant}', at.tenant)
      .replaceAll('{application}', at.application)
      .replaceAll('{kind}', at.kind)
      .replaceAll('{field}', at.field);
    return SecretRef.safeParse(ref).success ? ref : undefined;
  };
}

/** Fingerprint of one integration secret: 16 hex digits, salted with where it sits. */
export function integrationSecretFingerprint(at: IntegrationSecretAt, value: string): string {
  return createHash('sha256')
    .update(
      `fieldops-integration-secret-v1\0${at.tenant}\0${at.application}\0${at.kind}\0${at.field}\0${value}`,
    )
    .digest('hex')
    .slice(0, 16);
}

/** The secrets of an integration as read, by field path (empty values are not secrets). */
function secretsOf(i: ApplicationIntegration): Record<string, SecretValue> {
  const out: Record<string, SecretValue> = {};
  if (isFlatIntegrationKind(i.kind)) {
    const values = i as unknown as Record<string, SecretValue>;
    for (const [name, , type] of FLAT_INTEGRATION_FIELDS[i.kind])
      if (type === 'secret' && values[name]!.reveal()) out[name] = values[name]!;
  }
  if (i.kind === 'http') for (const [k, v] of Object.entries(i.headers)) out[`headers.${k}`] = v;
  if (i.kind === 'influxdb') {
    if (i.password.reveal()) out.password = i.password;
    if (i.token.reveal()) out.token = i.token;
  }
  return out;
}

/** The configuration of an integration as read, without its secrets. */
function configOf(i: ApplicationIntegration): FleetIntegration['config'] {
  if (isFlatIntegrationKind(i.kind)) {
    const values = i as unknown as Record<string, FleetIntegration['config'][string]>;
    return Object.fromEntries(
      FLAT_INTEGRATION_FIELDS[i.kind].filter(([, , t]) => t !== 'secret').map(([n]) => [n, values[n]!]),
    );
  }
  switch (i.kind) {
    case 'http':
      return { event_endpoint_url: i.event_endpoint_url, encoding: i.encoding };
    case 'influxdb': {
      const { kind: _k, password: _p, token: _t, ...rest } = i;
      return rest;
    }
    case 'thingsboard':
      return { server: i.server };
    default:
      return {};
  }
}

/** What reads an application's integrations (a read-only client is enough). */
export type IntegrationReader = Pick<ChirpStackClient, 'listIntegrations' | 'getIntegration'>;

/**
 * An application's integrations as the backup carries them, in kind order: configuration,
 * secrets as references and fingerprints; kinds fieldops does not manage as `complete: false`.
 * ChirpStack's `mqtt_global` (every application has it, nothing stored) is left out.
 */
export async function exportIntegrations(
  client: IntegrationReader,
  applicationId: string,
  names: { tenant: string; application: string },
  refs: IntegrationSecretRefSource | undefined,
): Promise<FleetIntegration[]> {
  const out: FleetIntegration[] = [];
  const kinds = (await client.listIntegrations(applicationId)).filter((k) => k !== 'mqtt_global').sort();
  for (const kind of kinds) {
    if (!isManagedIntegrationKind(kind)) {
      out.push({ kind, config: {}, complete: false });
      continue;
    }
    let integration: ApplicationIntegration;
    try {
      integration = await client.getIntegration(applicationId, kind);
    } catch (error) {
      if (error instanceof ChirpStackNotFoundError) continue; // deleted between the List and the Get
      throw error;
    }
    const secrets: Record<string, FleetIntegrationSecret> = {};
    for (const [field, value] of Object.entries(secretsOf(integration))) {
      const at = { ...names, kind, field };
      const ref = refs?.(at);
      secrets[field] = {
        ...(ref ? { ref: ref as FleetIntegrationSecret['ref'] } : {}),
        fingerprint: integrationSecretFingerprint(at, value.reveal()),
      };
    }
    out.push({ kind, config: configOf(integration), ...(Object.keys(secrets).length ? { secrets } : {}) });
  }
  return out;
}

/** The integration to write, its secrets resolved; or the reason it cannot be written. */
export async function integrationToWrite(
  i: FleetIntegration,
  names: { tenant: string; application: string },
  resolve: (ref: string) => Promise<string>,
): Promise<{ integration: ApplicationIntegrationInput; mismatched: string[] } | { refused: string }> {
  if (i.complete === false || !isManagedIntegrationKind(i.kind))
    return {
      refused: `the backup does not carry the configuration of this ${i.kind} integration: recreate it by hand`,
    };
  const values: Record<string, string> = {};
  const mismatched: string[] = [];
  for (const [field, s] of Object.entries(i.secrets ?? {})) {
    if (!s.ref) return { refused: `${i.kind} integration: no reference for its secret ${field}` };
    let value: string;
    try {
      value = await resolve(s.ref);
    } catch (error) {
      return { refused: `${i.kind} integration: ${field} not resolved: ${(error as Error).message}` };
    }
    if (integrationSecretFingerprint({ ...names, kind: i.kind, field }, value) !== s.fingerprint)
      mismatched.push(field);
    values[field] = value;
  }
  const c = i.config as Record<string, never>;
  if (isFlatIntegrationKind(i.kind)) {
    const out: Record<string, unknown> = { kind: i.kind };
    for (const [name, , type] of FLAT_INTEGRATION_FIELDS[i.kind])
      out[name] =
        type === 'secret'
          ? (values[name] ?? '')
          : (c[name] ??
            (type === 'bool' ? false : type === 'strings' ? [] : type === 'encoding' ? 'json' : ''));
    return { integration: out as unknown as ApplicationIntegrationInput, mismatched };
  }
  switch (i.kind) {
    case 'http':
      return {
        integration: {
          kind: 'http',
          event_endpoint_url: c.event_endpoint_url ?? '',
          encoding: c.encoding === 'protobuf' ? 'protobuf' : 'json',
          headers: Object.fromEntries(
            Object.entries(values)
              .filter(([f]) => f.startsWith('headers.'))
              .map(([f, v]) => [f.slice('headers.'.length), v]),
          ),
        },
        mismatched,
      };
    case 'influxdb':
      return {
        integration: {
          kind: 'influxdb',
          endpoint: c.endpoint ?? '',
          version: c.version ?? 0,
          db: c.db ?? '',
          username: c.username ?? '',
          password: values.password ?? '',
          retention_policy_name: c.retention_policy_name ?? '',
          precision: c.precision ?? 0,
          token: values.token ?? '',
          organization: c.organization ?? '',
          bucket: c.bucket ?? '',
        },
        mismatched,
      };
    case 'thingsboard':
      return { integration: { kind: 'thingsboard', server: c.server ?? '' }, mismatched };
    default:
      return { refused: `the backup carries an integration of an unknown kind ${i.kind}` };
  }
}
