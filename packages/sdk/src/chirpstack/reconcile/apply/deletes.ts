import { ChirpStackNotFoundError } from '../../errors.js';
import type { PlanStep } from '../steps.js';
import type { ApplyContext } from './context.js';

/** Runs a delete; NOT_FOUND counts as done (a second apply, or a cascade, got there first). */
async function ignoreNotFound(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof ChirpStackNotFoundError)) throw error;
  }
}

/** Applies a delete step (prune plans only). */
export async function applyDelete(ctx: ApplyContext, s: PlanStep): Promise<void> {
  const { client } = ctx;
  if (s.kind === 'device') await ignoreNotFound(() => client.deleteDevice(s.dev_eui));
  else if (s.kind === 'gateway') await ignoreNotFound(() => client.deleteGateway(s.id));
  else if (s.kind === 'application') await ignoreNotFound(() => client.deleteApplication(s.id!));
  else if (s.kind === 'device_profile') await ignoreNotFound(() => client.deleteDeviceProfile(s.id!));
  ctx.result.applied += 1;
}
