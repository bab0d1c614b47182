import { createHash } from 'node:crypto';
import { buildEvent, type EventOf } from '@fieldops/contracts/events/v1';
import type { DeviceId, SiteId } from '@fieldops/contracts/ids/v1';
import type { DeviceEvent, GatewayMessage } from './device-event.js';

/** The registry device id tag the reconciler writes on ChirpStack devices (`@fieldops/sdk/chirpstack`). */
export const DEVICE_ID_TAG = 'fieldops_device_id';

/** The events the MQTT consumer emits. */
export type TelemetryEvent =
  | EventOf<'io.fieldops.chirpstack.device.uplink.v1'>
  | EventOf<'io.fieldops.chirpstack.device.status.v1'>
  | EventOf<'io.fieldops.chirpstack.device.joined.v1'>
  | EventOf<'io.fieldops.chirpstack.device.downlink.v1'>
  | EventOf<'io.fieldops.chirpstack.device.log.v1'>
  | EventOf<'io.fieldops.chirpstack.device.location.v1'>
  | EventOf<'io.fieldops.chirpstack.gateway.stats.v1'>;

/** How {@link buildTelemetryEvent} names and fills events. */
export interface TelemetryEventOptions {
  /** CloudEvents `source`, e.g. `/sites/site_…/chirpstack`. */
  source: string;
  siteId?: string;
  /** Keep uplink payloads and decoded objects in the event (default false: summaries only). */
  includePayload?: boolean;
  /** Used when the message has no time. */
  now: () => Date;
}

/**
 * A stable event id: ChirpStack's deduplication id when the message has one, else a digest of the
 * raw message, so an MQTT redelivery (QoS 1 is at-least-once) yields the same `source` + `id`.
 */
export function buildEventId(kind: string, key: string, dedup: string | undefined, raw: Uint8Array): string {
  if (dedup) return `${kind}.${key}.${dedup}`;
  return `${kind}.${key}.${createHash('sha1').update(raw).digest('hex').slice(0, 24)}`;
}

/** Turns a decoded application event into its CloudEvent (summary fields only unless asked for). */
export function buildTelemetryEvent(
  e: DeviceEvent,
  raw: Uint8Array,
  o: TelemetryEventOptions,
): TelemetryEvent {
  const deviceId = e.device.tags[DEVICE_ID_TAG];
  // Built by assignment rather than conditional spreads: this runs once per MQTT message.
  const ref: {
    dev_eui: string;
    device_id?: DeviceId;
    site_id?: SiteId;
    application_id?: string;
    name?: string;
  } = { dev_eui: e.device.devEui };
  if (deviceId?.startsWith('dev_')) ref.device_id = deviceId as DeviceId;
  if (o.siteId) ref.site_id = o.siteId as SiteId;
  if (e.device.applicationId) ref.application_id = e.device.applicationId;
  if (e.device.deviceName) ref.name = e.device.deviceName;
  const opts = {
    source: o.source,
    id: buildEventId(e.event, e.device.devEui, e.deduplicationId, raw),
    time: e.time ?? o.now().toISOString(),
    subject: e.device.devEui,
  };
  switch (e.event) {
    case 'up':
      return buildEvent(
        'io.fieldops.chirpstack.device.uplink.v1',
        {
          ...ref,
          f_cnt: e.fCnt,
          f_port: e.fPort,
          dr: e.dr,
          confirmed: e.confirmed,
          payload_size: e.payloadSize,
          rssi: e.rssi,
          snr: e.snr,
          gateways: e.gateways,
          ...(o.includePayload && e.data !== undefined ? { data_base64: e.data } : {}),
          ...(o.includePayload && e.object !== undefined ? { object: e.object } : {}),
        },
        opts,
      );
    case 'status':
      return buildEvent(
        'io.fieldops.chirpstack.device.status.v1',
        {
          ...ref,
          margin: e.margin,
          external_power_source: e.externalPowerSource,
          battery_level: e.batteryLevel,
        },
        opts,
      );
    case 'join':
      return buildEvent(
        'io.fieldops.chirpstack.device.joined.v1',
        { ...ref, dev_addr: e.devAddr.toLowerCase() },
        opts,
      );
    case 'ack':
      return buildEvent(
        'io.fieldops.chirpstack.device.downlink.v1',
        {
          ...ref,
          kind: 'ack',
          f_cnt_down: e.fCntDown,
          acknowledged: e.acknowledged,
          ...(e.queueItemId ? { queue_item_id: e.queueItemId } : {}),
        },
        opts,
      );
    case 'txack':
      return buildEvent(
        'io.fieldops.chirpstack.device.downlink.v1',
        {
          ...ref,
          kind: 'txack',
          f_cnt_down: e.fCntDown,
          ...(e.gatewayId ? { gateway_eui: e.gatewayId } : {}),
          ...(e.queueItemId ? { queue_item_id: e.queueItemId } : {}),
        },
        { ...opts, id: buildEventId('txack', e.device.devEui, e.queueItemId || undefined, raw) },
      );
    case 'log':
      return buildEvent(
        'io.fieldops.chirpstack.device.log.v1',
        { ...ref, level: e.level, code: e.code, description: e.description.slice(0, 2000) },
        opts,
      );
    case 'location':
      return buildEvent(
        'io.fieldops.chirpstack.device.location.v1',
        { ...ref, latitude: e.latitude, longitude: e.longitude, altitude: e.altitude, source: e.source },
        opts,
      );
  }
}

/** Turns a gateway stats message into its CloudEvent. */
export function buildGatewayStatsEvent(
  g: Extract<GatewayMessage, { kind: 'stats' }>,
  raw: Uint8Array,
  o: TelemetryEventOptions,
): EventOf<'io.fieldops.chirpstack.gateway.stats.v1'> {
  return buildEvent(
    'io.fieldops.chirpstack.gateway.stats.v1',
    {
      gateway_eui: g.gatewayId,
      ...(o.siteId ? { site_id: o.siteId as SiteId } : {}),
      rx_received: g.rxReceived,
      rx_ok: g.rxOk,
      tx_received: g.txReceived,
      tx_emitted: g.txEmitted,
    },
    {
      source: o.source,
      id: buildEventId('stats', g.gatewayId, undefined, raw),
      time: g.time ?? o.now().toISOString(),
      subject: g.gatewayId,
    },
  );
}
