// "Your" integration code: onboard the RFID stations of a site. For every station record of the
// site in the registry: claim it on the RFID backend with its printed claim code, map it to its line,
// and write the station id back to the registry. One station failing does not stop the others.
// A claim code is one use: a station whose record already holds its station id (an earlier run
// claimed it) is not claimed again, only mapped.
import type { registry } from '@fieldops/contracts';
import type { RegistryClient } from '@fieldops/sdk/registry';
import type { RfidClient } from '@fieldops/sdk/rfid';

/** What onboarding needs; structural, so tests can pass anything with these methods. */
export interface OnboardDeps {
  registry: Pick<RegistryClient, 'listDevices' | 'patchObservedState'>;
  rfid: Pick<RfidClient, 'claimStation' | 'mapStation'>;
  /** The claim code printed on a station (from a vault, a CSV, the CRM…). */
  claimCode(device: registry.Device): Promise<string>;
  now?: () => Date;
}

/** What happened to each station. */
export interface OnboardResult {
  onboarded: { device_id: string; station_id: string; line_id: string }[];
  failed: { device_id: string; reason: string }[];
}

/** Claims, maps and records every station of `siteId`. */
export async function onboardStations(siteId: string, deps: OnboardDeps): Promise<OnboardResult> {
  const now = deps.now ?? (() => new Date());
  const result: OnboardResult = { onboarded: [], failed: [] };
  for await (const device of deps.registry.listDevices({ site_id: siteId as never, role: 'station' })) {
    try {
      const mac = device.external_refs.rfid?.mac;
      const lineId = device.desired_state.data.line_id;
      if (!mac || typeof lineId !== 'string') throw new Error('the record has no rfid.mac or line_id');
      const stationId =
        device.external_refs.rfid?.station_id ??
        (await deps.rfid.claimStation({ claim_code: await deps.claimCode(device), mac })).station_id;
      await deps.rfid.mapStation(stationId, {
        site_id: device.site_id,
        line_id: lineId,
        ...(device.deployment_id ? { deployment_id: device.deployment_id } : {}),
      });
      await deps.registry.patchObservedState(device.device_id, {
        source: 'rfid',
        observed_at: now().toISOString(),
        data: { onboarding: 'claimed', line_id: lineId },
        external_refs: { rfid: { station_id: stationId, mac } },
      });
      result.onboarded.push({ device_id: device.device_id, station_id: stationId, line_id: lineId });
    } catch (error) {
      result.failed.push({ device_id: device.device_id, reason: (error as Error).message });
    }
  }
  return result;
}
