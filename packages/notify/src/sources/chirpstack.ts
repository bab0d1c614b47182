import type { CloudEvent, EventData } from '@fieldops/contracts/events/v1';
import { type AlertDraft, baseLabels, eventTime, type SourceAdapters, withLabels } from './source.js';

const OFFLINE = 'io.fieldops.chirpstack.gateway.offline.v1';

function gateway(event: CloudEvent, status: 'firing' | 'resolved'): AlertDraft {
  const d = event.data as EventData<typeof OFFLINE>;
  // Both events carry the offline type so the online event resolves the same fingerprint.
  const labels = withLabels(baseLabels('GatewayOffline', OFFLINE, d.site_id), {
    gateway_eui: d.gateway_eui,
    gateway_id: d.gateway_id,
  });
  const name = d.name ?? d.gateway_eui;
  return {
    labels,
    annotations: withLabels(
      {
        summary: status === 'firing' ? `Gateway ${name} is offline` : `Gateway ${name} is online again`,
      },
      { last_seen_at: d.last_seen_at, gateway_name: d.name },
    ),
    severity: 'critical',
    status,
    starts_at: eventTime(event),
  };
}

/** ChirpStack health: gateway offline/online (one alert), device inactive, battery low. */
export const CHIRPSTACK_SOURCES: SourceAdapters = {
  [OFFLINE]: (e) => gateway(e, 'firing'),
  'io.fieldops.chirpstack.gateway.online.v1': (e) => gateway(e, 'resolved'),
  'io.fieldops.chirpstack.device.inactive.v1': (e) => {
    const d = e.data as EventData<'io.fieldops.chirpstack.device.inactive.v1'>;
    return {
      labels: withLabels(baseLabels('DeviceInactive', e.type, d.site_id), {
        dev_eui: d.dev_eui,
        device_id: d.device_id,
      }),
      annotations: withLabels(
        {
          summary: `Device ${d.name ?? d.dev_eui} sent nothing for 1.5 × its ${d.expected_uplink_interval_s} s uplink interval`,
        },
        { last_seen_at: d.last_seen_at },
      ),
      severity: 'warning',
      status: 'firing',
      starts_at: eventTime(e),
    };
  },
  'io.fieldops.chirpstack.device.battery_low.v1': (e) => {
    const d = e.data as EventData<'io.fieldops.chirpstack.device.battery_low.v1'>;
    return {
      labels: withLabels(baseLabels('DeviceBatteryLow', e.type, d.site_id), {
        dev_eui: d.dev_eui,
        device_id: d.device_id,
      }),
      annotations: {
        summary: `Device ${d.name ?? d.dev_eui} battery at ${d.battery_level}% (threshold ${d.threshold}%)`,
      },
      severity: 'warning',
      status: 'firing',
      starts_at: eventTime(e),
    };
  },
};
