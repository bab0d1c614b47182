import type { GatewaySpec } from '@fieldops/contracts/chirpstack/v1';
import { DEFAULT_GATEWAY_STATS_INTERVAL_S } from '../../resources/gateways.js';
import { collect } from '../../resources/paging.js';
import type { GatewayListItem, Location } from '../../types.js';
import type { RegistryLink } from '../desired.js';
import { runPool } from '../pool.js';
import type { PlanState, PlanStep } from '../steps.js';
import { change, createDiff, diffValue, isOwned, ownedTags } from './diff.js';

/** A location as ChirpStack stores it: altitude in f32 (storage/gateway.rs:29 at v4.19.0), absent when unset. */
export function storedLocation(
  location: { latitude: number; longitude: number; altitude?: number } | null | undefined,
): Location | null {
  if (!location) return null;
  const l = {
    latitude: location.latitude,
    longitude: location.longitude,
    altitude: Math.fround(location.altitude ?? 0),
  };
  return l.latitude === 0 && l.longitude === 0 && l.altitude === 0 ? null : l;
}

/** The fields of a gateway fieldops manages (location only when declared: an undeclared one is left alone). */
export function managedGatewayFields(spec: GatewaySpec) {
  return {
    name: spec.name,
    description: spec.description ?? '',
    stats_interval_s: spec.stats_interval_s ?? DEFAULT_GATEWAY_STATS_INTERVAL_S,
    ...(spec.location ? { location: storedLocation(spec.location) } : {}),
    tags: ownedTags(spec.tags),
  };
}

/** The gateways of the tenant, by EUI. */
export async function listGateways(s: PlanState): Promise<Map<string, GatewayListItem>> {
  const tenantId = s.context.tenantId;
  if (!tenantId) return new Map();
  const gateways = await collect(s.client.listGateways(tenantId, { pageSize: 1000 }));
  s.reads += Math.max(1, Math.ceil(gateways.length / 1000));
  return new Map(gateways.map((g) => [g.gateway_id, g]));
}

/** Plans the declared gateways (keyed by EUI; a Get each for the fields the List lacks). */
export async function planGateways(
  declared: { gateways: GatewaySpec[]; registry: Map<string, RegistryLink> },
  existing: Map<string, GatewayListItem>,
  s: PlanState,
): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  const tenantId = s.context.tenantId;
  await runPool(declared.gateways, 16, async (spec) => {
    const want = managedGatewayFields(spec);
    const link = declared.registry.get(spec.gateway_eui);
    const hit = existing.get(spec.gateway_eui);
    if (!hit) {
      steps.push({
        kind: 'gateway',
        action: 'create',
        spec,
        id: spec.gateway_eui,
        ...(link ? { registry: link, writeBack: true } : {}),
        change: change('gateway', spec.gateway_eui, 'create', createDiff(want)),
      });
      return;
    }
    const cur = await s.client.getGateway(hit.gateway_id);
    s.reads += 1;
    const diff = [
      ...diffValue('name', cur.name, want.name),
      ...diffValue('description', cur.description, want.description),
      ...diffValue('stats_interval_s', cur.stats_interval_s, want.stats_interval_s),
      ...('location' in want ? diffValue('location', storedLocation(cur.location), want.location) : []),
      ...diffValue('tags', cur.tags, want.tags),
    ];
    const action = diff.length ? 'update' : 'unchanged';
    const writeBack =
      link !== undefined &&
      (action !== 'unchanged' ||
        link.refs?.device_id?.replace(/[:-]/g, '').toLowerCase() !== spec.gateway_eui ||
        link.refs?.tenant_id !== tenantId);
    steps.push({
      kind: 'gateway',
      action,
      spec,
      id: hit.gateway_id,
      ...(link ? { registry: link, writeBack } : {}),
      change: change('gateway', spec.gateway_eui, action, diff, hit.gateway_id),
    });
  });
  // Gets ran concurrently: keep the declared order in the plan.
  const order = new Map(declared.gateways.map((g, i) => [g.gateway_eui, i]));
  return steps.sort((a, b) => (order.get(a.change.key) ?? 0) - (order.get(b.change.key) ?? 0));
}

/** Prune: undeclared gateways that carry the ownership tag (a Get each for the tags); others are left. */
export async function planGatewayPrune(
  declared: GatewaySpec[],
  existing: Map<string, GatewayListItem>,
  s: PlanState,
): Promise<PlanStep[]> {
  const names = new Set(declared.map((g) => g.gateway_eui));
  const steps: PlanStep[] = [];
  for (const g of existing.values()) {
    if (names.has(g.gateway_id)) continue;
    const cur = await s.client.getGateway(g.gateway_id);
    s.reads += 1;
    if (!isOwned(cur.tags)) continue;
    steps.push({
      kind: 'gateway',
      action: 'delete',
      id: g.gateway_id,
      change: change('gateway', g.gateway_id, 'delete', [], g.gateway_id),
    });
  }
  return steps;
}
