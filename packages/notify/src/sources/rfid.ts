import type { CloudEvent, EventData } from '@fieldops/contracts/events/v1';
import { type AlertDraft, baseLabels, eventTime, type SourceAdapters, withLabels } from './source.js';

const STATION_OFFLINE = 'io.fieldops.rfid.station.offline.v1';
const BACKEND = 'io.fieldops.rfid.backend.health_changed.v1';

function station(event: CloudEvent, status: 'firing' | 'resolved'): AlertDraft {
  const d = event.data as EventData<typeof STATION_OFFLINE>;
  return {
    labels: withLabels(baseLabels('StationOffline', STATION_OFFLINE, d.site_id), {
      station_id: d.station_id,
      device_id: d.device_id,
      line: d.line_id,
    }),
    annotations: withLabels(
      {
        summary:
          status === 'firing'
            ? `RFID station ${d.station_id} is ${d.state}`
            : `RFID station ${d.station_id} is online again`,
      },
      { last_seen_at: d.last_seen_at },
    ),
    // A degraded station still reads tags; an offline one does not.
    severity: status === 'firing' && d.state === 'offline' ? 'critical' : 'warning',
    status,
    starts_at: eventTime(event),
  };
}

const STATION_HEALTH = 'io.fieldops.rfid.station.health.v1';

/** One alert per station and condition: firing re-sent while it lasts, resolved on a real resolve. */
function stationHealth(event: CloudEvent): AlertDraft {
  const d = event.data as EventData<typeof STATION_HEALTH>;
  return {
    labels: withLabels(baseLabels('StationUnhealthy', STATION_HEALTH, d.site_id), {
      station_id: d.station_id,
      device_id: d.device_id,
      condition: d.condition,
    }),
    annotations: withLabels(
      {
        summary:
          d.status === 'firing'
            ? `RFID station ${d.station_id}: ${d.condition.replace(/_/g, ' ')} (${d.value} over ${d.threshold})`
            : `RFID station ${d.station_id}: ${d.condition.replace(/_/g, ' ')} resolved`,
      },
      { detail: d.detail },
    ),
    severity: d.condition === 'heartbeat_missed' ? 'critical' : 'warning',
    status: d.status,
    starts_at: eventTime(event),
  };
}

/**
 * RFID health: station offline/online (one alert), station health conditions (one alert each) and
 * backend health (down/degraded fire, ok resolves).
 */
export const RFID_SOURCES: SourceAdapters = {
  [STATION_HEALTH]: stationHealth,
  [STATION_OFFLINE]: (e) => station(e, 'firing'),
  'io.fieldops.rfid.station.online.v1': (e) => station(e, 'resolved'),
  [BACKEND]: (e) => {
    const d = e.data as EventData<typeof BACKEND>;
    const firing = d.status !== 'ok';
    return {
      labels: withLabels(baseLabels('RfidBackendUnhealthy', BACKEND, d.site_id), { base_url: d.base_url }),
      annotations: withLabels(
        {
          summary: firing
            ? `RFID backend ${d.base_url} is ${d.status}`
            : `RFID backend ${d.base_url} is ok again`,
        },
        { detail: d.detail },
      ),
      severity: d.status === 'down' ? 'critical' : 'warning',
      status: firing ? 'firing' : 'resolved',
      starts_at: eventTime(e),
    };
  },
};
