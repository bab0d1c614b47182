import type { rfid } from '@fieldops/contracts';

/** The station most tests use. */
export const STATION = 'stn_0001abcd';

/** A valid tag read with a stable id derived from `n`. */
export function tagRead(n: number, station = STATION): rfid.RfidEvent {
  return {
    type: 'tag_read',
    event_id: `evt-${String(n).padStart(8, '0')}`,
    station_id: station,
    occurred_at: '2026-11-27T10:00:00Z',
    seq: n,
    epc: 'e28011700000020a1b2c3d4e',
    antenna: 1,
    rssi_dbm: -52,
  } as rfid.RfidEvent;
}

/** `count` tag reads starting at `from`. */
export function tagReads(count: number, from = 0, station = STATION): rfid.RfidEvent[] {
  return Array.from({ length: count }, (_, i) => tagRead(from + i, station));
}
