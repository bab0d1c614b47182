// Events for the sdk benches (shared by the ingest, spool and faults benches).
import type { rfid } from '@fieldops/contracts';

/** A tag read numbered `n`. */
export function benchEvent(n: number, station = 'stn_bench00001'): rfid.RfidEvent {
  return {
    type: 'tag_read',
    event_id: `evt-${String(n).padStart(8, '0')}`,
    station_id: station,
    occurred_at: '2026-11-27T10:00:00.000Z',
    seq: n,
    epc: 'e28011700000020a1b2c3d4e',
    antenna: 1 + (n % 4),
    rssi_dbm: -40 - (n % 30),
  } as rfid.RfidEvent;
}

/** Formats events per second. */
export const perSecond = (count: number, ms: number) =>
  Math.round((count / ms) * 1000).toLocaleString('en-US');
