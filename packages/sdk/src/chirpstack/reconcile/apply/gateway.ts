import { isDuplicateKeyError, isNotVisibleError } from '../../errors.js';
import { ownedTags } from '../plan/diff.js';
import { storedLocation } from '../plan/gateways.js';
import type { PlanStep } from '../steps.js';
import { type ApplyContext, writeBackBase } from './context.js';

type GatewayStep = Extract<PlanStep, { kind: 'gateway' }>;

/** Why a gateway that exists cannot be adopted: it belongs to another tenant. */
async function checkSameTenant(ctx: ApplyContext, eui: string, tenantId: string): Promise<void> {
  let owner: string;
  try {
    owner = (await ctx.client.getGateway(eui)).tenant_id;
  } catch (error) {
    if (!isNotVisibleError(error)) throw error;
    throw new Error(
      `chirpstack: gateway ${eui} exists in a tenant this API key cannot see; delete it there first`,
    );
  }
  if (owner !== tenantId)
    throw new Error(
      `chirpstack: gateway ${eui} exists in tenant ${owner}; ChirpStack's Update ignores tenant_id, so it cannot be moved: delete it there first`,
    );
}

/**
 * Applies a gateway create or update. A create that meets an existing gateway (ChirpStack 4.19
 * answers a duplicate key with INTERNAL) adopts it when it is in this tenant. Updates are
 * read-modify-write in the client: fields not declared (downlink priority, an undeclared
 * location) keep their value.
 */
export async function applyGateway(ctx: ApplyContext, s: GatewayStep): Promise<void> {
  if (!s.spec) return;
  const tenantId = ctx.ids.tenant!;
  const patch = {
    gateway_id: s.spec.gateway_eui,
    tenant_id: tenantId,
    name: s.spec.name,
    description: s.spec.description ?? '',
    stats_interval_s: s.spec.stats_interval_s ?? 30,
    ...(s.spec.location ? { location: storedLocation(s.spec.location) } : {}),
    tags: ownedTags(s.spec.tags),
  };
  if (s.action === 'create') {
    try {
      await ctx.client.createGateway(patch);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await checkSameTenant(ctx, s.spec.gateway_eui, tenantId);
      await ctx.client.updateGateway(patch);
    }
    ctx.result.applied += 1;
  } else if (s.action === 'update') {
    await ctx.client.updateGateway(patch);
    ctx.result.applied += 1;
  } else ctx.result.unchanged += 1;
  if (s.writeBack) await writeBackGateway(ctx, s, tenantId);
}

async function writeBackGateway(ctx: ApplyContext, s: GatewayStep, tenantId: string): Promise<void> {
  const registry = ctx.options.registry;
  if (!s.registry || !registry || !s.spec) return;
  try {
    await registry.patchObservedState(s.registry.device_id, {
      ...writeBackBase(s.registry),
      data: {
        ...s.registry.observed?.data,
        chirpstack: {
          provisioned: true,
          gateway_eui: s.spec.gateway_eui,
          synced_at: ctx.now().toISOString(),
        },
      },
      source: 'chirpstack',
      observed_at: ctx.now().toISOString(),
      external_refs: { chirpstack: { device_id: s.spec.gateway_eui, tenant_id: tenantId } },
    });
    ctx.result.written_back += 1;
  } catch (error) {
    ctx.fail(s, error, 'registry');
  }
}
