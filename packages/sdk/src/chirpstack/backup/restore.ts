import type { FleetSnapshot } from '@fieldops/contracts/chirpstack/v1';
import { FieldopsError } from '@fieldops/core';
import type { Logger } from '../logger.js';
import type { ApplyResult, ApplyWriter } from '../reconcile/apply/context.js';
import { applyPlan } from '../reconcile/apply.js';
import type { DesiredProblem, DesiredState } from '../reconcile/desired.js';
import { changeCount, planReconcile } from '../reconcile/plan.js';
import { cachedResolver, type ResolveSecret, resolveKeys } from '../reconcile/secrets.js';
import type { PlanReader, ReconcilePlan } from '../reconcile/steps.js';
import { keysFingerprint } from '../reconcile/sync-tag.js';
import { DEFAULT_GATEWAY_DOWNLINK_PRIORITY } from '../resources/gateways.js';
import { desiredFromSnapshot } from './desired.js';
import { canonicalJson } from './hash.js';
import { exportIntegrations, integrationToWrite } from './integrations.js';

/** What a restore reads and writes with: the reconciler's client plus the whole-profile write. */
export type RestoreClient = PlanReader &
  ApplyWriter &
  Pick<
    import('../chirpstack-client.js').ChirpStackClient,
    | 'putDeviceProfileMessage'
    | 'listIntegrations'
    | 'getIntegration'
    | 'createIntegration'
    | 'updateIntegration'
  >;

/** Options of {@link restoreSite}. */
export interface RestoreOptions {
  /** Resolves the key SecretRefs of the backup (the keys are written again, never printed). */
  resolveSecret: ResolveSecret;
  /** Only these tenants (names); default every tenant of the snapshot. */
  tenants?: string[];
  /** Restore over a ChirpStack that already has a tenant of that name (default: refuse). */
  allowExisting?: boolean;
  concurrency?: number;
  logger?: Logger;
}

/** What a restore did for one tenant. */
export interface TenantRestore {
  tenant: string;
  applied: ApplyResult;
  /** Whole device-profile messages written back (every column of the site's profile). */
  profiles_written: number;
  /** Application integrations written back (secrets resolved again from their references). */
  integrations_written: number;
  /** Integrations that, read back right after the restore, differ from the backup: 0 when rebuilt. */
  integrations_after: number;
  /** Changes a plan finds right after the restore: 0 when the site was rebuilt. */
  changes_after: number;
  /** The plan made right after the restore. */
  plan_after: ReconcilePlan;
}

/** The result of {@link restoreSite}. */
export interface RestoreResult {
  tenants: TenantRestore[];
  /** What the backup could not express or the restore could not write, by entity key. */
  problems: DesiredProblem[];
}

/** A restore refused before anything was written. */
export class RestoreRefusedError extends FieldopsError {
  override name = 'RestoreRefusedError';
  /** @param message what was refused and how to go on (e.g. `--allow-existing`). */
  constructor(message: string) {
    super('restore_refused', message);
  }
}

/** Devices whose keys, resolved from their references now, differ from what the site held. */
async function checkKeyFingerprints(
  snapshot: FleetSnapshot,
  tenant: string,
  resolve: (ref: string) => Promise<string>,
) {
  const problems: DesiredProblem[] = [];
  for (const d of snapshot.devices) {
    if ((d.tenant ?? tenant) !== tenant || !d.keys?.fingerprint) continue;
    let keys: Awaited<ReturnType<typeof resolveKeys>>;
    try {
      keys = await resolveKeys(d.keys, resolve);
    } catch (error) {
      problems.push({ key: d.dev_eui, message: `keys not resolved: ${(error as Error).message}` });
      continue;
    }
    if (keysFingerprint(d.dev_eui, keys) !== d.keys.fingerprint)
      problems.push({
        key: d.dev_eui,
        message: 'the keys its references resolve to now differ from the keys the site held (rotated?)',
      });
  }
  return problems;
}

/** Writes back what the reconciler does not manage: whole profiles, application tags, gateway priority. */
async function restoreExtras(
  snapshot: FleetSnapshot,
  tenant: string,
  plan: ReconcilePlan,
  client: RestoreClient,
  problems: DesiredProblem[],
): Promise<number> {
  const tenantId = plan.context.tenantId;
  if (!tenantId) return 0;
  let profiles = 0;
  for (const p of snapshot.device_profiles.filter((x) => x.tenant === tenant && x.message)) {
    const id = plan.context.deviceProfileIds[p.name];
    if (!id) continue;
    try {
      await client.putDeviceProfileMessage(id, tenantId, Buffer.from(p.message!, 'base64'));
      profiles += 1;
    } catch (error) {
      problems.push({
        key: p.name,
        message: `device profile not written in full: ${(error as Error).message}`,
      });
    }
  }
  for (const a of snapshot.applications.filter((x) => x.tenant === tenant && x.tags)) {
    const id = plan.context.applicationIds[a.name];
    if (id) await client.updateApplication(id, { tags: a.tags! });
  }
  for (const g of snapshot.gateways.filter((x) => (x.tenant ?? tenant) === tenant)) {
    const priority = g.downlink_priority ?? DEFAULT_GATEWAY_DOWNLINK_PRIORITY;
    // Metadata is not written back: the gateway reports it, and Update ignores it.
    if (priority !== DEFAULT_GATEWAY_DOWNLINK_PRIORITY)
      await client.updateGateway({ gateway_id: g.gateway_eui, downlink_priority: priority });
  }
  return profiles;
}

/** Writes back the applications' integrations; returns how many were written. */
async function restoreIntegrations(
  snapshot: FleetSnapshot,
  tenant: string,
  plan: ReconcilePlan,
  client: RestoreClient,
  resolve: (ref: string) => Promise<string>,
  problems: DesiredProblem[],
): Promise<number> {
  let written = 0;
  for (const a of snapshot.applications.filter((x) => x.tenant === tenant && x.integrations?.length)) {
    const id = plan.context.applicationIds[a.name];
    if (!id) continue;
    const existing = new Set<string>(await client.listIntegrations(id));
    for (const i of a.integrations!) {
      const key = `${a.name}/${i.kind}`;
      const w = await integrationToWrite(i, { tenant, application: a.name }, resolve);
      if ('refused' in w) {
        problems.push({ key, message: w.refused });
        continue;
      }
      if (w.mismatched.length)
        problems.push({
          key,
          message: `${w.mismatched.join(', ')}: the value its reference resolves to now differs from what the site held (rotated?)`,
        });
      try {
        if (existing.has(i.kind)) await client.updateIntegration(id, w.integration);
        else await client.createIntegration(id, w.integration);
        written += 1;
      } catch (error) {
        problems.push({ key, message: `integration not written: ${(error as Error).message}` });
      }
    }
  }
  return written;
}

/** Integrations of the tenant's applications that, read back, differ from the backup. */
async function integrationsDiffering(
  snapshot: FleetSnapshot,
  tenant: string,
  plan: ReconcilePlan,
  client: RestoreClient,
): Promise<number> {
  let differing = 0;
  for (const a of snapshot.applications.filter((x) => x.tenant === tenant)) {
    const id = plan.context.applicationIds[a.name];
    const want = a.integrations ?? [];
    const have = id ? await exportIntegrations(client, id, { tenant, application: a.name }, undefined) : [];
    // References are the backup's; what the server holds is compared by configuration and fingerprint.
    const strip = (list: typeof want) =>
      new Map(
        list.map((i) => [
          i.kind,
          canonicalJson({
            ...i,
            secrets: Object.fromEntries(Object.entries(i.secrets ?? {}).map(([f, s]) => [f, s.fingerprint])),
          }),
        ]),
      );
    const w = strip(want);
    const h = strip(have);
    for (const kind of new Set([...w.keys(), ...h.keys()])) if (w.get(kind) !== h.get(kind)) differing += 1;
  }
  return differing;
}

async function refuseExisting(client: RestoreClient, desired: DesiredState): Promise<void> {
  for await (const t of client.listTenants({ search: desired.tenant.name }))
    if (t.name === desired.tenant.name)
      throw new RestoreRefusedError(
        `chirpstack restore: ${client.target} already has a tenant named ${JSON.stringify(desired.tenant.name)} (${t.id}); restore into an empty ChirpStack, or pass allowExisting (--allow-existing) to converge it`,
      );
}

/**
 * Rebuilds a site from a restorable fleet snapshot (`restorable: true`): per tenant, the backup
 * becomes the reconciler's desired state, keys are resolved again from their SecretRefs (and checked
 * against the fingerprint the site held), plan + apply write it, whole device-profile messages,
 * application tags, gateway priorities and application integrations (their secrets resolved again
 * from their references) are written back, and a last plan counts what still
 * differs (0 when the site was rebuilt).
 */
export async function restoreSite(
  snapshot: FleetSnapshot,
  client: RestoreClient,
  options: RestoreOptions,
): Promise<RestoreResult> {
  if (snapshot.restorable !== true)
    throw new RestoreRefusedError(
      'chirpstack restore: chirpstack.v1.FleetSnapshot.restorable is not true: this snapshot is a status view (fieldops chirpstack export without --backup), it cannot rebuild a site',
    );
  const names = options.tenants ?? snapshot.tenants.map((t) => t.name);
  const resolve = cachedResolver(options.resolveSecret);
  // Integration secrets exactly as stored (the key resolver trims and lower-cases hex keys).
  const plain = async (ref: string) => {
    const v = await options.resolveSecret(ref);
    return typeof v === 'string' ? v : v.reveal();
  };
  const result: RestoreResult = { tenants: [], problems: [] };
  const prepared = names.map((name) => ({ name, ...desiredFromSnapshot(snapshot, name) }));
  if (!options.allowExisting) for (const p of prepared) await refuseExisting(client, p.desired);
  for (const { name, desired, problems } of prepared) {
    result.problems.push(...problems, ...(await checkKeyFingerprints(snapshot, name, resolve)));
    const plan = await planReconcile(desired, client, { resolveSecret: options.resolveSecret });
    result.problems.push(...plan.problems);
    const applied = await applyPlan(plan, client, {
      resolveSecret: options.resolveSecret,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    const written = await planReconcile(desired, client, { resolveSecret: options.resolveSecret });
    const profiles = await restoreExtras(snapshot, name, written, client, result.problems);
    const integrations = await restoreIntegrations(snapshot, name, written, client, plain, result.problems);
    const after = await planReconcile(desired, client, { resolveSecret: options.resolveSecret });
    result.tenants.push({
      tenant: name,
      applied,
      profiles_written: profiles,
      integrations_written: integrations,
      integrations_after: await integrationsDiffering(snapshot, name, after, client),
      changes_after: changeCount(after),
      plan_after: after,
    });
  }
  return result;
}
