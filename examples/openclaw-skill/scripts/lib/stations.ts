// Registry → RFID backend: claim each station of the spec with its printed claim code (a SecretRef),
// map it to the site and its line, record the station id in the registry, then have it send a few
// commissioning reads with its own station token (what a station does once it is on the LAN).
// A claim code is one use: a station the registry already records (an earlier run claimed it) is
// only mapped again; it has no token here and sends no commissioning reads (it did the first time).
// rfid.v2 (decision 0051): the commissioning batches carry no station health. The skill measures
// nothing on the station (no temperature, no clock offset), so it reports none rather than invent
// one; the backend keeps what the station itself last reported, and the skill reads that back.
import { randomBytes } from 'node:crypto';
import type { automation } from '@fieldops/contracts';
import type * as rfid from '@fieldops/contracts/rfid/v2';
import type { RegistryClient } from '@fieldops/sdk/registry';
import { createRfidClient, type RfidClientV2 } from '@fieldops/sdk/rfid';
import type { SecretResolver } from '@fieldops/sdk/secrets';

/** A station after onboarding. */
export interface OnboardedStation {
  device_id: string;
  station_id: string;
  line_id: string;
  /** Held in memory for the commissioning reads only; never printed. Absent when claimed earlier. */
  token?: { reveal(): string };
}

/** Claims, maps and records every station of the spec. */
export async function onboardStations(
  spec: automation.ExecutionSpec,
  deps: { rfid: RfidClientV2; registry: RegistryClient; secrets: SecretResolver; now: () => Date },
): Promise<OnboardedStation[]> {
  const out: OnboardedStation[] = [];
  for (const s of spec.targets.stations) {
    if (!s.claim_code_ref) throw new Error(`station ${s.device_id} has no claim_code_ref`);
    const mac = s.mac.toLowerCase().replace(/-/g, ':');
    const known = (await deps.registry.getDevice(s.device_id)).device.external_refs.rfid?.station_id;
    const claim = known
      ? undefined
      : await deps.rfid.claimStation({
          claim_code: (await deps.secrets.resolve(s.claim_code_ref)).reveal(),
          mac,
        });
    const stationId = known ?? claim!.station_id;
    const lineId = s.line_id ?? 'default';
    await deps.rfid.mapStation(stationId, {
      site_id: spec.site_id,
      line_id: lineId,
      deployment_id: spec.deployment_id,
    });
    await deps.registry.patchObservedState(s.device_id, {
      source: 'rfid',
      observed_at: deps.now().toISOString(),
      data: { rfid: { claimed: true, line_id: lineId } },
      external_refs: { rfid: { station_id: stationId, mac } },
    });
    const token = claim?.station_token;
    out.push({
      device_id: s.device_id,
      station_id: stationId,
      line_id: lineId,
      ...(token ? { token: { reveal: () => token } } : {}),
    });
  }
  return out;
}

/** Each station sends a heartbeat and `reads` tag reads with its own token; returns the sum. */
export async function sendCommissioningReads(
  stations: readonly OnboardedStation[],
  rfidUrl: string,
  reads: number,
  now: () => Date,
): Promise<{ accepted: number; duplicates: number }> {
  let accepted = 0;
  let duplicates = 0;
  for (const s of stations) {
    if (!s.token) continue;
    const client = createRfidClient({ baseUrl: rfidUrl, token: s.token, version: 2 });
    const at = now();
    // One id per read; a retry of this batch (same ids, same key) is deduplicated by the backend.
    const stamp = `${at.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
    const events: rfid.RfidEvent[] = [
      {
        type: 'heartbeat',
        event_id: `commission-${stamp}-hb`,
        station_id: s.station_id as never,
        occurred_at: at.toISOString(),
        uptime_s: 60,
        queue_depth: 0,
      },
      ...Array.from(
        { length: reads },
        (_, i): rfid.RfidEvent => ({
          type: 'tag_read',
          event_id: `commission-${stamp}-${i}`,
          station_id: s.station_id as never,
          occurred_at: at.toISOString(),
          epc: `e2801170000002${String(i).padStart(10, '0')}`,
          antenna: 1 + (i % 4),
          rssi_dbm: -50 - i,
        }),
      ),
    ];
    // No `health`: nothing here measured the station (see the top of this file).
    const r = await client.ingestEvents(events);
    accepted += r.accepted;
    duplicates += r.duplicates;
  }
  return { accepted, duplicates };
}

/** One line about the health a station last reported itself (rfid.v2 status), or that it sent none yet. */
export function describeHealth(health: rfid.StationStatus['health']): string {
  if (!health) return 'no health reported by the station yet (it sends it with its own batches)';
  return `health measured ${health.measured_at}: queue ${health.queue_depth}, ${health.temperature_c} °C, firmware ${health.firmware_version}, clock offset ${health.clock_offset_ms} ms`;
}
