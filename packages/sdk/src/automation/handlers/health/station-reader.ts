import type { StationStatusReader } from './run-health-checks.js';

/** The part of the RfidClient a station check needs (`GET /api/v1/stations/{id}/status`). */
export interface StationStatusSource {
  stationStatus(stationId: string): Promise<{ state: 'unclaimed' | 'online' | 'degraded' | 'offline' }>;
}

/** Options of {@link createRfidStationStatusReader}. */
export interface RfidStationStatusReaderOptions {
  /**
   * Finds the station id of a device id when the spec's target has none yet (e.g. from the registry
   * record's `external_refs.rfid.station_id`). Without it such a check fails with a clear message.
   */
  resolveStationId?: (deviceId: string) => Promise<string | undefined>;
}

/** A StationStatusReader over an RfidClient (or any object with `stationStatus`). */
export function createRfidStationStatusReader(
  client: StationStatusSource,
  options: RfidStationStatusReaderOptions = {},
): StationStatusReader {
  return {
    async stationState(station) {
      let id = station.station_id;
      if (!id && station.device_id && options.resolveStationId)
        id = await options.resolveStationId(station.device_id);
      if (!id)
        throw new Error(`no station id known for ${station.device_id ?? 'the station'} (not claimed yet?)`);
      return (await client.stationStatus(id)).state;
    },
  };
}
