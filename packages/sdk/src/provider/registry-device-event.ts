import type { registry } from '@fieldops/contracts';
import { buildEvent, type CloudEvent } from '@fieldops/contracts/events/v1';

/** What a device write changed, as `io.fieldops.registry.device.changed.v1` says it. */
export type DeviceChange = 'created' | 'updated' | 'observed_state_changed';

/**
 * Builds `io.fieldops.registry.device.changed.v1` for one device write. The id is the device id and
 * the new ETag, so the same write always makes the same event (a resend is a duplicate, not a new event).
 */
export function buildDeviceChangedEvent(
  d: registry.Device,
  change: DeviceChange,
  source = '/registry',
): CloudEvent {
  return buildEvent(
    'io.fieldops.registry.device.changed.v1',
    {
      device_id: d.device_id,
      ...(d.site_id ? { site_id: d.site_id } : {}),
      change,
      ...(change === 'observed_state_changed' && d.observed_state
        ? { version: d.observed_state.version }
        : {}),
    },
    { source, id: `${d.device_id}@${d.etag}`, time: d.updated_at },
  );
}
