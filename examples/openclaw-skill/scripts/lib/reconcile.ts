// Registry → ChirpStack (the push model): the deployment's registry records that carry a
// `desired_state.data.chirpstack` section become ChirpStack devices in the spec's tenant, planned
// from paginated Lists and applied idempotently; the DevEUIs and state are written back.
import type { automation } from '@fieldops/contracts';
import {
  applyPlan,
  changeCount,
  createChirpStackClient,
  type DesiredState,
  planReconcile,
  type ReconcilePlan,
} from '@fieldops/sdk/chirpstack';
import type { RegistryClient } from '@fieldops/sdk/registry';
import type { SecretResolver } from '@fieldops/sdk/secrets';
import type { SiteMap } from './site-map.ts';

/** Device profile settings the skill uses for the profiles the spec names (one LoRaWAN class A sensor type). */
export const PROFILE_DEFAULTS = {
  mac_version: 'LORAWAN_1_0_3',
  reg_params_revision: 'RP002_1_0_3',
  supports_otaa: true,
  uplink_interval_s: 900,
} as const;

/** What the reconcile did. */
export interface ReconcileSummary {
  tenant: string;
  target: string;
  planned: ReconcilePlan['plan']['summary'];
  applied: number;
  written_back: number;
  errors: string[];
}

/** Plans and applies the ChirpStack side of the deployment. */
export async function reconcileChirpStack(
  spec: automation.ExecutionSpec,
  deps: { registry: RegistryClient; secrets: SecretResolver; site: SiteMap; dryRun: boolean },
): Promise<ReconcileSummary> {
  const step = spec.actions.find((a) => a.kind === 'configure_gateway');
  if (!step) throw new Error('the spec has no configure_gateway step naming a ChirpStack');
  const region = spec.targets.gateways[0]?.region ?? 'as923';
  const records = [];
  for await (const d of deps.registry.listDevices({ deployment_id: spec.deployment_id })) records.push(d);
  const names = (pick: (d: automation.ExecutionSpec['targets']['devices'][number]) => string | undefined) => [
    ...new Set(spec.targets.devices.map(pick).filter((x): x is string => !!x)),
  ];
  const desired: DesiredState = {
    tenant: { name: step.chirpstack.tenant, can_have_gateways: true },
    applications: names((d) => d.application).map((name) => ({ name })),
    device_profiles: names((d) => d.device_profile).map((name) => ({ name, region, ...PROFILE_DEFAULTS })),
    gateways: [], // configure_gateway registers the gateway with its stats interval
    registry_devices: records,
  };
  const target = deps.site.target(step.chirpstack.target);
  const token = await deps.secrets.resolve(step.chirpstack.api_token_ref);
  const client = createChirpStackClient({ target, apiToken: token, readOnly: deps.dryRun });
  try {
    const resolveSecret = (ref: string) => deps.secrets.resolve(ref);
    const plan = await planReconcile(desired, client, { resolveSecret });
    const base = {
      tenant: step.chirpstack.tenant,
      target: step.chirpstack.target,
      planned: plan.plan.summary,
    };
    if (deps.dryRun || changeCount(plan) === 0) return { ...base, applied: 0, written_back: 0, errors: [] };
    const result = await applyPlan(plan, client, { resolveSecret, registry: deps.registry, concurrency: 8 });
    return {
      ...base,
      applied: result.applied,
      written_back: result.written_back,
      errors: result.errors.map((e) => `${e.entity} ${e.key}: ${e.code} ${e.message}`),
    };
  } finally {
    client.close();
  }
}
