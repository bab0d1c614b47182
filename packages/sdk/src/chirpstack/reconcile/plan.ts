import type { Plan, PlanChange } from '@fieldops/contracts/chirpstack/v1';
import { dateSource } from '../../internal/clock.js';
import { collectDevices, collectGateways, type DesiredState } from './desired.js';
import { listApplicationsByName, planApplications } from './plan/applications.js';
import { listProfilesByName, planDeviceProfiles } from './plan/device-profiles.js';
import { fingerprintKeys, listDeclaredAppDevices, planDevicePrune, planDevices } from './plan/devices.js';
import { listGateways, planGatewayPrune, planGateways } from './plan/gateways.js';
import { planApplicationPrune, planProfilePrune } from './plan/prune.js';
import { planTenant } from './plan/tenant.js';
import { cachedResolver } from './secrets.js';
import type { PlanOptions, PlanReader, PlanState, PlanStep, ReconcilePlan } from './steps.js';

export type { PlanOptions, PlanReader, PlanStep, ReconcilePlan, ReconcileProgress } from './steps.js';

/** The contract's plan from the steps: every change in order, and the summary. */
function buildPlan(steps: PlanStep[], meta: Pick<Plan, 'created_at' | 'target' | 'tenant' | 'prune'>): Plan {
  const changes: PlanChange[] = [];
  for (const s of steps) {
    changes.push(s.change);
    if (s.kind === 'device' && s.keysChange) changes.push(s.keysChange);
  }
  const summary = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const c of changes) summary[c.action] += 1;
  return { plan_version: 1, ...meta, changes, summary };
}

/**
 * Plans the changes that make ChirpStack match `desired`: the tenant, its applications and
 * profiles (a Get each), gateways (a Get each), one paginated List per declared application for the
 * devices (no per-device Get: fields a List lacks are compared through the `fieldops_sync` tag),
 * and, with `prune`, deletes of undeclared entities fieldops owns, cascades included.
 */
export async function planReconcile(
  desired: DesiredState,
  client: PlanReader,
  options: PlanOptions = {},
): Promise<ReconcilePlan> {
  const now = dateSource(options);
  const { devices, problems, registry } = collectDevices(desired);
  const declaredGateways = collectGateways(desired);
  problems.push(...declaredGateways.problems);
  const resolve = options.resolveSecret ? cachedResolver(options.resolveSecret) : undefined;
  const withKeys = devices.filter((d) => d.keys).length;
  if (withKeys > 0 && !resolve)
    throw new TypeError(
      `chirpstack: ${withKeys} declared devices have keys: pass resolveSecret so the plan can compare them`,
    );
  const s: PlanState = {
    client,
    context: { applicationIds: {}, deviceProfileIds: {} },
    problems,
    reads: 0,
    deleting: new Set(),
  };
  const steps: PlanStep[] = [await planTenant(desired.tenant, s, options)];
  const apps = await listApplicationsByName(s);
  steps.push(...(await planApplications(desired.applications, apps, s)));
  const profiles = await listProfilesByName(s);
  steps.push(...(await planDeviceProfiles(desired.device_profiles, profiles, s)));
  const gateways = await listGateways(s);
  steps.push(...(await planGateways(declaredGateways, gateways, s)));
  const onProgress = options.onProgress;
  const existing = await listDeclaredAppDevices(
    desired.applications,
    options.pageSize ?? 1000,
    s,
    onProgress && ((done) => onProgress({ phase: 'plan', done, total: devices.length })),
  );
  const input = {
    devices,
    registry,
    pending: options.journal ? await options.journal.pending() : new Set<string>(),
    fingerprints: await fingerprintKeys(devices, resolve),
  };
  steps.push(...planDevices(input, existing, s));
  if (options.prune === true) {
    steps.push(...(await planGatewayPrune(declaredGateways.gateways, gateways, s)));
    steps.push(...planDevicePrune(existing, s));
    const declaredDevices = new Set(devices.map((d) => d.dev_eui));
    steps.push(...(await planApplicationPrune(new Set(desired.applications.map((a) => a.name)), apps, s)));
    steps.push(
      ...(await planProfilePrune(
        new Set(desired.device_profiles.map((p) => p.name)),
        profiles,
        apps,
        declaredDevices,
        s,
      )),
    );
  }
  const plan = buildPlan(steps, {
    created_at: now().toISOString(),
    target: client.target,
    tenant: desired.tenant.name,
    prune: options.prune === true,
  });
  return { plan, steps, context: s.context, problems: s.problems, reads: s.reads, toJSON: () => plan };
}

/** The number of changes (create + update + delete) of a plan. */
export function changeCount(plan: Plan | ReconcilePlan): number {
  const p = 'plan' in plan ? plan.plan : plan;
  return p.summary.create + p.summary.update + p.summary.delete;
}
