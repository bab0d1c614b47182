import type { ApplicationListItem, DeviceListItem, DeviceProfileListItem } from '../../types.js';
import type { PlanState, PlanStep } from '../steps.js';
import { SYNC_TAG } from '../sync-tag.js';
import { deviceDelete } from './devices.js';
import { change, isOwned } from './diff.js';

// Prune of applications and device profiles. Deleting either cascades in ChirpStack (the device
// table references both `on delete cascade`, migrations_postgres/00000000000000_initial/up.sql:188-189
// at v4.19.0): every device that would go is listed as its own delete, and a delete that would take
// a device fieldops does not own is refused (reported as a problem) instead.

async function devicesOf(appId: string, s: PlanState, profileId?: string): Promise<DeviceListItem[]> {
  const out: DeviceListItem[] = [];
  for await (const d of s.client.listDevices(appId, {
    pageSize: 1000,
    ...(profileId ? { device_profile_id: profileId } : {}),
  }))
    out.push(d);
  s.reads += Math.max(1, Math.ceil(out.length / 1000));
  return out;
}

function refuse(s: PlanState, kind: string, name: string, foreign: DeviceListItem[]): void {
  s.problems.push({
    key: name,
    message:
      `chirpstack: ${kind} ${name} not pruned: deleting it would also delete ${foreign.length} device(s) ` +
      `fieldops does not own (${foreign
        .slice(0, 5)
        .map((d) => d.dev_eui)
        .join(', ')}${foreign.length > 5 ? ', …' : ''})`,
  });
}

/** Owned, undeclared applications: their devices (all owned) as deletes, then the application. */
export async function planApplicationPrune(
  declared: Set<string>,
  byName: Map<string, ApplicationListItem[]>,
  s: PlanState,
): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  for (const [name, apps] of byName)
    for (const a of apps) {
      if (declared.has(name) && s.context.applicationIds[name] === a.id) continue;
      const current = await s.client.getApplication(a.id);
      s.reads += 1;
      if (!isOwned(current.tags)) continue;
      const devices = await devicesOf(a.id, s);
      const foreign = devices.filter((d) => d.tags[SYNC_TAG] === undefined);
      if (foreign.length) {
        refuse(s, 'application', name, foreign);
        continue;
      }
      for (const d of devices)
        steps.push(...deviceDelete(d.dev_eui, [{ field: 'cascade', from: `application ${name}` }], s));
      steps.push({
        kind: 'application',
        action: 'delete',
        id: a.id,
        change: change('application', name, 'delete', [], a.id),
      });
    }
  return steps;
}

/**
 * Owned, undeclared profiles of the tenant (global ones are never listed): the devices using them
 * in any application of the tenant, except declared ones (apply moves those to their declared
 * profile first), as deletes, then the profile.
 */
export async function planProfilePrune(
  declared: Set<string>,
  byName: Map<string, DeviceProfileListItem[]>,
  apps: Map<string, ApplicationListItem[]>,
  declaredDevices: Set<string>,
  s: PlanState,
): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  for (const [name, profiles] of byName)
    for (const p of profiles) {
      if (declared.has(name) && s.context.deviceProfileIds[name] === p.id) continue;
      const current = await s.client.getDeviceProfile(p.id);
      s.reads += 1;
      if (!isOwned(current.tags)) continue;
      const using: DeviceListItem[] = [];
      for (const list of apps.values()) for (const a of list) using.push(...(await devicesOf(a.id, s, p.id)));
      const going = using.filter((d) => !declaredDevices.has(d.dev_eui));
      const foreign = going.filter((d) => d.tags[SYNC_TAG] === undefined);
      if (foreign.length) {
        refuse(s, 'device profile', name, foreign);
        continue;
      }
      for (const d of going)
        steps.push(...deviceDelete(d.dev_eui, [{ field: 'cascade', from: `device profile ${name}` }], s));
      steps.push({
        kind: 'device_profile',
        action: 'delete',
        id: p.id,
        change: change('device_profile', name, 'delete', [], p.id),
      });
    }
  return steps;
}
