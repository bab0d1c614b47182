import type { ApplicationSpec } from '@fieldops/contracts/chirpstack/v1';
import { collect } from '../../resources/paging.js';
import type { ApplicationListItem } from '../../types.js';
import type { PlanState, PlanStep } from '../steps.js';
import { change, createDiff, diffValue, duplicateProblem, isOwned, pickOldest } from './diff.js';

/** The applications of the tenant, grouped by name. */
export async function listApplicationsByName(s: PlanState): Promise<Map<string, ApplicationListItem[]>> {
  const tenantId = s.context.tenantId;
  const byName = new Map<string, ApplicationListItem[]>();
  if (!tenantId) return byName;
  const apps = await collect(s.client.listApplications(tenantId, { pageSize: 1000 }));
  s.reads += Math.max(1, Math.ceil(apps.length / 1000));
  for (const a of apps) byName.set(a.name, [...(byName.get(a.name) ?? []), a]);
  return byName;
}

/**
 * Plans the declared applications (matched by name). Names are not unique in ChirpStack: when one
 * exists twice (a create retried after its reply was lost), the plan says so and uses the oldest.
 * An application found but without the ownership tag is adopted (the tag is added).
 */
export async function planApplications(
  specs: ApplicationSpec[],
  byName: Map<string, ApplicationListItem[]>,
  s: PlanState,
): Promise<PlanStep[]> {
  const steps: PlanStep[] = [];
  for (const spec of specs) {
    const hits = byName.get(spec.name) ?? [];
    const hit = pickOldest(hits);
    if (!hit) {
      steps.push({
        kind: 'application',
        action: 'create',
        spec,
        change: change('application', spec.name, 'create', createDiff(spec)),
      });
      continue;
    }
    if (hits.length > 1)
      s.problems.push({
        key: spec.name,
        message: duplicateProblem(
          'application',
          spec.name,
          hits.map((a) => a.id),
          hit.id,
        ),
      });
    s.context.applicationIds[spec.name] = hit.id;
    const current = await s.client.getApplication(hit.id);
    s.reads += 1;
    const diff = [
      ...diffValue('description', current.description, spec.description ?? ''),
      ...(isOwned(current.tags) ? [] : [{ field: 'fieldops_managed', to: 'true' }]),
    ];
    const action = diff.length ? 'update' : 'unchanged';
    steps.push({
      kind: 'application',
      action,
      spec,
      id: hit.id,
      change: change('application', spec.name, action, diff, hit.id),
    });
  }
  return steps;
}
