// "Your" integration code: make a site's LoRaWAN sensors exist in its ChirpStack, through the SDK's
// reconciler (plan, then apply). Running it twice changes nothing the second time.
import type { ResolveSecret } from '@fieldops/sdk/chirpstack';
import { applyPlan, type ChirpStackClient, changeCount, planReconcile } from '@fieldops/sdk/chirpstack';

/** One sensor as the site sheet lists it. */
export interface Sensor {
  dev_eui: string;
  name: string;
  /** SecretRef of its AppKey (LoRaWAN 1.0.x: written as nwk_key). */
  app_key_ref: string;
}

/** Summary of one provisioning run. */
export interface ProvisionSummary {
  planned_changes: number;
  applied: number;
  errors: string[];
}

/** Provisions `sensors` in tenant `tenant` (application `sensors`, AS923-1 profile). */
export async function provisionSensors(
  client: ChirpStackClient,
  tenant: string,
  sensors: readonly Sensor[],
  resolveSecret: ResolveSecret,
): Promise<ProvisionSummary> {
  const plan = await planReconcile(
    {
      tenant: { name: tenant },
      applications: [{ name: 'sensors' }],
      device_profiles: [
        {
          name: 'temp-as923',
          region: 'as923',
          mac_version: 'LORAWAN_1_0_3',
          reg_params_revision: 'RP002_1_0_3',
          supports_otaa: true,
          uplink_interval_s: 900,
        },
      ],
      gateways: [],
      devices: sensors.map((s) => ({
        dev_eui: s.dev_eui,
        name: s.name,
        application: 'sensors',
        device_profile: 'temp-as923',
        keys: { nwk_key_ref: s.app_key_ref },
      })),
    },
    client,
    { resolveSecret },
  );
  const planned = changeCount(plan);
  if (planned === 0) return { planned_changes: 0, applied: 0, errors: [] };
  const result = await applyPlan(plan, client, { resolveSecret, concurrency: 4 });
  return {
    planned_changes: planned,
    applied: result.applied,
    errors: result.errors.map((e) => `${e.entity} ${e.key}: ${e.code}`),
  };
}
