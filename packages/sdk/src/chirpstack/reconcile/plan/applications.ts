import type { ApplicationSpec } from '@fieldops/contracts/chirpstack/v1';
import { collect } from '../../resources/paging.js';
import type { ApplicationListItem } from '../../types.js';
import type { PlanState, PlanStep } from '../steps.js';
import { groupByName, planByName } from './by-name.js';
import { createDiff, diffValue, isOwned } from './diff.js';

/** The applications of the tenant, grouped by name. */
export async function listApplicationsByName(s: PlanState): Promise<Map<string, ApplicationListItem[]>> {
  const tenantId = s.context.tenantId;
  if (!tenantId) return new Map();
  return groupByName(s, await collect(s.client.listApplications(tenantId, { pageSize: 1000 })));
}

/**
 * Plans the declared applications (matched by name). Names are not unique in ChirpStack: when one
 * exists twice (a create retried after its reply was lost), the plan says so and uses the oldest.
 * An application found but without the ownership tag is adopted (the tag is added).
 */
export function planApplications(
  specs: ApplicationSpec[],
  byName: Map<string, ApplicationListItem[]>,
  s: PlanState,
): Promise<PlanStep[]> {
  return planByName(specs, byName, s, {
    kind: 'application',
    label: 'application',
    ids: s.context.applicationIds,
    createDiff: (spec) => createDiff(spec),
    get: (id) => s.client.getApplication(id),
    diff: (current, spec) => [
      ...diffValue('description', current.description, spec.description ?? ''),
      ...(isOwned(current.tags) ? [] : [{ field: 'fieldops_managed', to: 'true' }]),
    ],
  });
}
