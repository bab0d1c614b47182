import type { PlanChange } from '@fieldops/contracts/chirpstack/v1';
import type { ObservedStatePatch } from '@fieldops/contracts/registry/v1';
import type { ChirpStackClient } from '../chirpstack-client.js';
import { ChirpStackAlreadyExistsError, ChirpStackError, ChirpStackNotFoundError } from '../errors.js';
import { type Logger, NOOP_LOGGER } from '../logger.js';
import type { RegistryLink } from './desired.js';
import type { ApplyJournal } from './journal.js';
import type { PlanStep, ReconcilePlan } from './plan.js';
import { runPool } from './pool.js';
import { cachedResolver, type ResolvedKeys, type ResolveSecret, resolveKeys } from './secrets.js';
import { DEVICE_ID_TAG, encodeSyncTag, keysFingerprint, SYNC_TAG, variablesHash } from './sync-tag.js';

/**
 * The part of the RegistryClient (packages/sdk/src/registry) the write-back uses, declared here so
 * any object with this method works.
 */
export interface RegistryWriteBack {
  patchObservedState(
    deviceId: string,
    patch: ObservedStatePatch,
    options?: { ifMatch?: string },
  ): Promise<unknown>;
}

/** The part of the client apply writes with. */
export type ApplyWriter = Pick<
  ChirpStackClient,
  | 'createTenant'
  | 'updateTenant'
  | 'createApplication'
  | 'updateApplication'
  | 'deleteApplication'
  | 'createDeviceProfile'
  | 'updateDeviceProfile'
  | 'deleteDeviceProfile'
  | 'createGateway'
  | 'updateGateway'
  | 'deleteGateway'
  | 'createDevice'
  | 'updateDevice'
  | 'deleteDevice'
  | 'createDeviceKeys'
  | 'updateDeviceKeys'
>;

/** Options of {@link applyPlan}. */
export interface ApplyOptions {
  /** Devices and gateways written at once (default 16). */
  concurrency?: number;
  /** Resolves key SecretRefs (required when the plan writes keys). */
  resolveSecret?: ResolveSecret;
  /** Writes `external_refs.chirpstack.*` and observed state back to the registry. */
  registry?: RegistryWriteBack;
  /** Records multi-step work so a crashed run can be finished (see {@link ApplyJournal}). */
  journal?: ApplyJournal;
  /** Stops starting new work when aborted; work in flight finishes. */
  signal?: AbortSignal;
  logger?: Logger;
  now?: () => Date;
}

/** One entity that failed; the run goes on without it. */
export interface ApplyError {
  entity: PlanChange['entity'] | 'registry';
  key: string;
  action: PlanChange['action'];
  code: string;
  message: string;
}

/** What an apply did. */
export interface ApplyResult {
  /** Entities written (create, update or delete). */
  applied: number;
  /** Entities left as they were because the plan said unchanged. */
  unchanged: number;
  /** Entities not attempted (a dependency failed, or the run was aborted). */
  skipped: number;
  /** Registry records written back. */
  written_back: number;
  errors: ApplyError[];
  duration_ms: number;
}

/** A key write that failed: reported against the `device_keys` entity, not the device. */
class KeysWriteFailed {
  constructor(readonly cause: unknown) {}
}

/** Write-back merges into the data it read and sends that version: a concurrent writer gets a 412, not a loss. */
function writeBackBase(link: RegistryLink): { expected_version?: number } {
  return link.observed ? { expected_version: link.observed.version } : {};
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof ChirpStackError) return { code: error.code, message: error.message };
  const e = error as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : 'error', message: String(e?.message ?? error) };
}

/**
 * Applies a plan: tenant, then applications and device profiles, then gateways and devices (with
 * their keys) with bounded concurrency, then deletions (prune plans only). Every write is
 * idempotent (an AlreadyExists on create becomes an update, a NotFound on update a create, a
 * NotFound on delete a success), so a second apply, or an apply after a crash, converges without
 * duplicates. Failures are collected per entity; the run does not stop for one.
 */
export async function applyPlan(
  reconcile: ReconcilePlan,
  client: ApplyWriter,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? NOOP_LOGGER;
  const concurrency = options.concurrency ?? 16;
  const resolve = cachedResolver(options.resolveSecret);
  const result: ApplyResult = {
    applied: 0,
    unchanged: 0,
    skipped: 0,
    written_back: 0,
    errors: [],
    duration_ms: 0,
  };
  const ids = {
    tenant: reconcile.context.tenantId,
    apps: { ...reconcile.context.applicationIds },
    profiles: { ...reconcile.context.deviceProfileIds },
  };

  const fail = (step: { change: PlanChange }, error: unknown, entity?: ApplyError['entity']) => {
    const { code, message } = describe(error);
    result.errors.push({
      entity: entity ?? step.change.entity,
      key: step.change.key,
      action: step.change.action,
      code,
      message,
    });
    logger.warn(
      { entity: entity ?? step.change.entity, key: step.change.key, code },
      'chirpstack apply: entity failed',
    );
  };
  const skip = (step: PlanStep, why: string) => {
    result.skipped += 1;
    result.errors.push({
      entity: step.change.entity,
      key: step.change.key,
      action: step.change.action,
      code: 'skipped',
      message: `chirpstack: ${why}`,
    });
  };

  async function run(steps: PlanStep[], width: number, work: (s: PlanStep) => Promise<void>) {
    const started = new Set<PlanStep>();
    await runPool(
      steps,
      width,
      async (s) => {
        started.add(s);
        const extra =
          (s.kind === 'device' && (s.keys !== 'none' || s.writeBack)) ||
          (s.kind === 'gateway' && s.writeBack);
        if (s.action === 'unchanged' && !extra) {
          result.unchanged += 1;
          return;
        }
        try {
          await work(s);
        } catch (error) {
          if (error instanceof KeysWriteFailed) fail(s, error.cause, 'device_keys');
          else fail(s, error);
        }
      },
      options.signal,
    );
    // Aborted: what never started is reported, so the caller knows the run is partial.
    for (const s of steps) if (!started.has(s) && s.action !== 'unchanged') skip(s, 'the run was aborted');
  }

  // ---- phase 1: tenant ----
  const tenantStep = reconcile.steps.find((s) => s.kind === 'tenant');
  if (tenantStep?.kind === 'tenant') {
    await run([tenantStep], 1, async () => {
      if (tenantStep.action === 'create') {
        ids.tenant = await client.createTenant(tenantStep.spec);
      } else {
        await client.updateTenant(ids.tenant!, tenantStep.spec);
      }
      result.applied += 1;
    });
  }
  const tenantId = ids.tenant;
  const rest = reconcile.steps.filter((s) => s.kind !== 'tenant');
  const finishSkipped = (steps: PlanStep[], why: string) => {
    for (const s of steps) if (s.action !== 'unchanged') skip(s, why);
  };
  if (!tenantId) {
    finishSkipped(rest, 'the tenant could not be created');
    result.duration_ms = Date.now() - started;
    return result;
  }

  // ---- phase 2: applications and device profiles (create / update) ----
  const phase2 = rest.filter(
    (s) => (s.kind === 'application' || s.kind === 'device_profile') && s.action !== 'delete',
  );
  await run(phase2, concurrency, async (s) => {
    if (s.kind === 'application' && s.spec) {
      const input = { ...s.spec, tenant_id: tenantId };
      if (s.action === 'create') ids.apps[s.spec.name] = await client.createApplication(input);
      else await client.updateApplication(s.id!, input);
    } else if (s.kind === 'device_profile' && s.spec) {
      const input = { ...s.spec, tenant_id: tenantId };
      if (s.action === 'create') ids.profiles[s.spec.name] = await client.createDeviceProfile(input);
      else await client.updateDeviceProfile(s.id!, input);
    }
    result.applied += 1;
  });

  // ---- phase 3: gateways and devices (with keys and write-back) ----
  const phase3 = rest.filter((s) => (s.kind === 'gateway' || s.kind === 'device') && s.action !== 'delete');
  await run(phase3, concurrency, async (s) => {
    if (s.kind === 'gateway' && s.spec) {
      const input = {
        gateway_id: s.spec.gateway_eui,
        tenant_id: tenantId,
        name: s.spec.name,
        description: s.spec.description ?? '',
        stats_interval_s: s.spec.stats_interval_s ?? 30,
        location: s.spec.location ? { altitude: 0, ...s.spec.location } : null,
        tags: s.spec.tags ?? {},
      };
      if (s.action === 'create') {
        try {
          await client.createGateway(input);
        } catch (error) {
          if (!(error instanceof ChirpStackAlreadyExistsError)) throw error;
          await client.updateGateway(input);
        }
        result.applied += 1;
      } else if (s.action === 'update') {
        await client.updateGateway(input);
        result.applied += 1;
      } else result.unchanged += 1;
      if (s.writeBack && s.registry && options.registry) {
        try {
          await options.registry.patchObservedState(s.registry.device_id, {
            ...writeBackBase(s.registry),
            data: {
              ...s.registry.observed?.data,
              chirpstack: {
                provisioned: true,
                gateway_eui: s.spec.gateway_eui,
                synced_at: now().toISOString(),
              },
            },
            source: 'chirpstack',
            observed_at: now().toISOString(),
            external_refs: { chirpstack: { device_id: s.spec.gateway_eui, tenant_id: tenantId } },
          });
          result.written_back += 1;
        } catch (error) {
          fail(s, error, 'registry');
        }
      }
      return;
    }
    if (s.kind !== 'device' || !s.spec) return;
    await writeDevice(s);
  });

  async function writeDevice(s: Extract<PlanStep, { kind: 'device' }>) {
    const spec = s.spec!;
    const applicationId = ids.apps[spec.application];
    const profileId = ids.profiles[spec.device_profile];
    if (!applicationId || !profileId) {
      skip(s, `application ${spec.application} or device profile ${spec.device_profile} is missing`);
      return;
    }
    let keys: ResolvedKeys | undefined;
    if (spec.keys) keys = await resolveKeys(spec.keys, resolve);
    const device = {
      dev_eui: spec.dev_eui,
      name: spec.name,
      description: spec.description ?? '',
      application_id: applicationId,
      device_profile_id: profileId,
      join_eui: spec.join_eui ?? '',
      is_disabled: spec.is_disabled ?? false,
      skip_fcnt_check: spec.skip_fcnt_check ?? false,
      variables: spec.variables ?? {},
      tags: {
        ...(spec.tags ?? {}),
        ...(spec.device_id ? { [DEVICE_ID_TAG]: spec.device_id } : {}),
        [SYNC_TAG]: encodeSyncTag({
          join_eui: spec.join_eui ?? '',
          is_disabled: spec.is_disabled ?? false,
          skip_fcnt_check: spec.skip_fcnt_check ?? false,
          variables: variablesHash(spec.variables),
          keys: keys ? keysFingerprint(spec.dev_eui, keys) : '',
        }),
      },
    };
    const keyInput = keys ? { dev_eui: spec.dev_eui, ...keys } : undefined;
    const writeKeys = async (first: 'create' | 'update') => {
      if (!keyInput) return;
      try {
        try {
          if (first === 'create') await client.createDeviceKeys(keyInput);
          else await client.updateDeviceKeys(keyInput);
        } catch (error) {
          if (first === 'create' && error instanceof ChirpStackAlreadyExistsError)
            await client.updateDeviceKeys(keyInput);
          else if (first === 'update' && error instanceof ChirpStackNotFoundError)
            await client.createDeviceKeys(keyInput);
          else throw error;
        }
      } catch (error) {
        throw new KeysWriteFailed(error);
      }
    };
    const journalKey = spec.dev_eui;
    const multiStep = s.keys !== 'none';
    if (multiStep) await options.journal?.begin(journalKey);
    if (s.action === 'create') {
      // The device first (keys need it), with the new fingerprint; the journal covers the gap.
      let existed = false;
      try {
        await client.createDevice(device);
      } catch (error) {
        if (!(error instanceof ChirpStackAlreadyExistsError)) throw error;
        existed = true;
        await client.updateDevice(device);
      }
      await writeKeys(existed ? 'update' : 'create');
      result.applied += 1;
    } else if (s.action === 'update') {
      // Keys before the tag that records their fingerprint: a crash in between is seen by the next plan.
      if (s.keys !== 'none') await writeKeys(s.keys);
      try {
        await client.updateDevice(device);
      } catch (error) {
        if (!(error instanceof ChirpStackNotFoundError)) throw error;
        await client.createDevice(device);
        await writeKeys('create');
      }
      result.applied += 1;
    } else if (s.keys !== 'none') {
      await writeKeys(s.keys);
      result.applied += 1;
    } else result.unchanged += 1;
    if (multiStep) await options.journal?.end(journalKey);

    if (s.writeBack && s.registry && options.registry) {
      try {
        await options.registry.patchObservedState(s.registry.device_id, {
          ...writeBackBase(s.registry),
          data: {
            ...s.registry.observed?.data,
            chirpstack: {
              provisioned: true,
              dev_eui: spec.dev_eui,
              application: spec.application,
              device_profile: spec.device_profile,
              synced_at: now().toISOString(),
            },
          },
          source: 'chirpstack',
          observed_at: now().toISOString(),
          external_refs: {
            chirpstack: {
              dev_eui: spec.dev_eui,
              device_id: spec.dev_eui,
              application_id: applicationId,
              tenant_id: tenantId!,
            },
          },
        });
        result.written_back += 1;
      } catch (error) {
        fail(s, error, 'registry');
      }
    }
  }

  // ---- phase 4: deletions (prune plans only): devices and gateways, then applications and profiles ----
  const deletes = rest.filter((s) => s.action === 'delete');
  const leafDeletes = deletes.filter((s) => s.kind === 'device' || s.kind === 'gateway');
  const ownerDeletes = deletes.filter((s) => s.kind === 'application' || s.kind === 'device_profile');
  const ignoreNotFound = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      if (!(error instanceof ChirpStackNotFoundError)) throw error;
    }
  };
  for (const [group, width] of [
    [leafDeletes, concurrency],
    [ownerDeletes, 4],
  ] as const) {
    await run([...group], width, async (s) => {
      if (s.kind === 'device') await ignoreNotFound(() => client.deleteDevice(s.dev_eui));
      else if (s.kind === 'gateway') await ignoreNotFound(() => client.deleteGateway(s.id));
      else if (s.kind === 'application') await ignoreNotFound(() => client.deleteApplication(s.id!));
      else if (s.kind === 'device_profile') await ignoreNotFound(() => client.deleteDeviceProfile(s.id!));
      result.applied += 1;
    });
  }
  result.duration_ms = Date.now() - started;
  logger.info(
    {
      operation: 'chirpstack.apply',
      applied: result.applied,
      errors: result.errors.length,
      duration_ms: result.duration_ms,
    },
    'chirpstack apply finished',
  );
  return result;
}
