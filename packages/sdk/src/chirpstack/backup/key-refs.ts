import type { DeviceKeysSpec, ProvisioningSpec } from '@fieldops/contracts/chirpstack/v1';
import type { Device } from '../types.js';

// A site's ChirpStack holds key values; a backup must hold only where they live. The references
// come from what declared the device (the provisioning spec or registry) or from a naming rule the
// site follows for its secret store.

/** Where a device's keys live, or undefined when it is not known. */
export type KeyRefSource = (devEui: string, device: Device) => DeviceKeysSpec | undefined;

/** Key references as the provisioning spec declares them, by DevEUI. */
export function keyRefsFromSpec(spec: Pick<ProvisioningSpec, 'devices'>): KeyRefSource {
  const byEui = new Map(spec.devices.filter((d) => d.keys).map((d) => [d.dev_eui, d.keys!]));
  return (devEui) => byEui.get(devEui);
}

/**
 * Key references from a rule: `{dev_eui}` in the template is replaced by the DevEUI, e.g.
 * `file:/run/secrets/lorawan/{dev_eui}.key` or `vault:lorawan/{dev_eui}#nwk_key`.
 */
export function keyRefsFromTemplate(nwkKeyTemplate: string): KeyRefSource {
  if (!nwkKeyTemplate.includes('{dev_eui}'))
    throw new TypeError(
      `chirpstack backup: the key reference template must contain {dev_eui}: ${nwkKeyTemplate}`,
    );
  return (devEui) => ({
    nwk_key_ref: nwkKeyTemplate.replaceAll('{dev_eui}', devEui) as DeviceKeysSpec['nwk_key_ref'],
  });
}

/** The first source that knows a device's references. */
export function firstKeyRefs(...sources: KeyRefSource[]): KeyRefSource {
  return (devEui, device) => {
    for (const s of sources) {
      const refs = s(devEui, device);
      if (refs) return refs;
    }
    return undefined;
  };
}
