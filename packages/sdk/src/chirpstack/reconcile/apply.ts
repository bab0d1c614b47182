import { clockOf, dateSource } from '../../internal/clock.js';
import { NOOP_LOGGER } from '../logger.js';
import {
  type ApplyContext,
  type ApplyOptions,
  type ApplyResult,
  type ApplyWriter,
  createApplyContext,
  runSteps,
} from './apply/context.js';
import { applyDelete } from './apply/deletes.js';
import { applyDevice } from './apply/device.js';
import { applyGateway } from './apply/gateway.js';
import { applyApplication, applyDeviceProfile, applyTenant } from './apply/owners.js';
import { cachedResolver } from './secrets.js';
import type { PlanStep, ReconcilePlan } from './steps.js';

export type {
  ApplyError,
  ApplyOptions,
  ApplyResult,
  ApplyWriter,
  RegistryWriteBack,
} from './apply/context.js';

/** One step, to its applier by kind. */
async function applyStep(ctx: ApplyContext, s: PlanStep): Promise<void> {
  if (s.action === 'delete') return applyDelete(ctx, s);
  if (s.kind === 'application') return applyApplication(ctx, s);
  if (s.kind === 'device_profile') return applyDeviceProfile(ctx, s);
  if (s.kind === 'gateway') return applyGateway(ctx, s);
  if (s.kind === 'device' && s.spec) return applyDevice(ctx, s);
}

const isKind =
  (...kinds: PlanStep['kind'][]) =>
  (s: PlanStep) =>
    kinds.includes(s.kind) && s.action !== 'delete';
const isDelete =
  (...kinds: PlanStep['kind'][]) =>
  (s: PlanStep) =>
    kinds.includes(s.kind) && s.action === 'delete';

/**
 * Applies a plan in phases: the tenant; applications and device profiles; gateways and devices
 * (with keys and write-back) with bounded concurrency; then deletions (prune plans only), devices
 * and gateways before the applications and profiles they would cascade from. Every write is safe to
 * repeat: a duplicate key on create adopts what exists (after checking it is in this tenant), a
 * NOT_FOUND on update becomes a create, on delete a success, and a create of a named entity whose
 * reply was lost lists by name before trying again. Failures are collected per entity.
 */
export async function applyPlan(
  reconcile: ReconcilePlan,
  client: ApplyWriter,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const clock = clockOf({ clock: options.clock, now: options.now && (() => options.now!().getTime()) });
  const started = clock.now();
  const concurrency = options.concurrency ?? 16;
  const ctx = createApplyContext(client, options, {
    logger: options.logger ?? NOOP_LOGGER,
    now: dateSource(options),
    resolve: cachedResolver(options.resolveSecret),
    total: reconcile.steps.length,
    ids: {
      tenant: reconcile.context.tenantId,
      apps: { ...reconcile.context.applicationIds },
      profiles: { ...reconcile.context.deviceProfileIds },
    },
  });
  const tenant = reconcile.steps.find((s) => s.kind === 'tenant');
  if (tenant?.kind === 'tenant') await runSteps(ctx, [tenant], 1, () => applyTenant(ctx, tenant));
  const rest = reconcile.steps.filter((s) => s.kind !== 'tenant');
  if (!ctx.ids.tenant) {
    for (const s of rest) if (s.action !== 'unchanged') ctx.skip(s, 'the tenant could not be created');
  } else {
    const phases: [PlanStep[], number][] = [
      [rest.filter(isKind('application', 'device_profile')), concurrency],
      [rest.filter(isKind('gateway', 'device')), concurrency],
      [rest.filter(isDelete('device', 'gateway')), concurrency],
      [rest.filter(isDelete('application', 'device_profile')), 4],
    ];
    for (const [steps, width] of phases) await runSteps(ctx, steps, width, (s) => applyStep(ctx, s));
  }
  ctx.result.duration_ms = clock.now() - started;
  ctx.logger.info(
    {
      operation: 'chirpstack.apply',
      applied: ctx.result.applied,
      errors: ctx.result.errors.length,
      duration_ms: ctx.result.duration_ms,
    },
    'chirpstack apply finished',
  );
  return ctx.result;
}
