import type * as integration from '@chirpstack/chirpstack-api/integration/integration_pb.js';
import { DecodeError } from './decode-error.js';
import type { DeviceEvent, DeviceInfoSummary, GatewayMessage } from './device-event.js';
import { commonPb, gwPb, integrationPb } from './proto.js';
import { withoutField } from './skip-field.js';
import type { ApplicationEventName } from './topics.js';

/** UplinkEvent's `object` field number. */
const UPLINK_OBJECT_FIELD = 11;

type Timestamp = { toDate(): Date } | undefined;
const iso = (t: Timestamp) => (t ? t.toDate().toISOString() : undefined);

const LOG_LEVELS = ['info', 'warning', 'error'] as const;
const LOG_CODES = Object.fromEntries(Object.entries(integrationPb.LogCode).map(([k, v]) => [v, k])) as Record<
  number,
  string
>;
const LOCATION_SOURCES = Object.fromEntries(
  Object.entries(commonPb.LocationSource).map(([k, v]) => [v, k]),
) as Record<number, string>;

function deviceInfo(info: integration.DeviceInfo | undefined, message: string): DeviceInfoSummary {
  if (!info || info.getDevEui() === '') throw new DecodeError(message, 'deviceInfo.devEui', 'missing');
  const tags: Record<string, string> = {};
  for (const [k, v] of info.getTagsMap().entries()) tags[k] = v;
  return {
    tenantId: info.getTenantId(),
    applicationId: info.getApplicationId(),
    applicationName: info.getApplicationName(),
    deviceProfileName: info.getDeviceProfileName(),
    deviceName: info.getDeviceName(),
    devEui: info.getDevEui().toLowerCase(),
    tags,
  };
}

function parse<T>(message: string, decode: () => T): T {
  try {
    return decode();
  } catch (cause) {
    throw new DecodeError(message, '', `not a Protobuf ${message}`, cause);
  }
}

/**
 * Decodes a Protobuf application event (`json=false` in ChirpStack's MQTT integration) with the
 * `integration` messages of @chirpstack/chirpstack-api. `keepPayload` keeps the uplink's bytes.
 */
export function decodeProtobufEvent(
  event: ApplicationEventName,
  payload: Uint8Array,
  keepPayload = false,
): DeviceEvent {
  switch (event) {
    case 'up': {
      // Field 11 is `object` (google.protobuf.Struct, integration.proto of chirpstack-api v4.19.0): when
      // the payload is not kept its records are cut before decoding instead of decoded and dropped.
      const bytes = keepPayload ? payload : withoutField(payload, UPLINK_OBJECT_FIELD);
      const m = parse('UplinkEvent', () => integrationPb.UplinkEvent.deserializeBinary(bytes));
      const rx = m.getRxInfoList();
      let best: gwPb.UplinkRxInfo | undefined;
      for (const r of rx) if (!best || r.getRssi() > best.getRssi()) best = r;
      const data = m.getData_asU8();
      // The codec's object is a Struct: converting it costs more than the rest of the message, so
      // only when the payload is kept.
      const object = keepPayload ? m.getObject() : undefined;
      return {
        event,
        device: deviceInfo(m.getDeviceInfo(), 'UplinkEvent'),
        time: iso(m.getTime()),
        deduplicationId: m.getDeduplicationId() || undefined,
        devAddr: m.getDevAddr(),
        fCnt: m.getFCnt(),
        fPort: m.getFPort(),
        dr: m.getDr(),
        confirmed: m.getConfirmed(),
        payloadSize: data.length,
        data: keepPayload ? Buffer.from(data).toString('base64') : undefined,
        object: object ? (object.toJavaScript() as Record<string, unknown>) : undefined,
        rssi: best ? best.getRssi() : null,
        snr: best ? best.getSnr() : null,
        gateways: rx.length,
      };
    }
    case 'status': {
      const m = parse('StatusEvent', () => integrationPb.StatusEvent.deserializeBinary(payload));
      return {
        event,
        device: deviceInfo(m.getDeviceInfo(), 'StatusEvent'),
        time: iso(m.getTime()),
        deduplicationId: m.getDeduplicationId() || undefined,
        margin: m.getMargin(),
        externalPowerSource: m.getExternalPowerSource(),
        batteryLevel: m.getBatteryLevelUnavailable() ? null : m.getBatteryLevel(),
      };
    }
    case 'join': {
      const m = parse('JoinEvent', () => integrationPb.JoinEvent.deserializeBinary(payload));
      return {
        event,
        device: deviceInfo(m.getDeviceInfo(), 'JoinEvent'),
        time: iso(m.getTime()),
        deduplicationId: m.getDeduplicationId() || undefined,
        devAddr: m.getDevAddr(),
      };
    }
    case 'ack': {
      const m = parse('AckEvent', () => integrationPb.AckEvent.deserializeBinary(payload));
      return {
        event,
        device: deviceInfo(m.getDeviceInfo(), 'AckEvent'),
        time: iso(m.getTime()),
        deduplicationId: m.getDeduplicationId() || undefined,
        acknowledged: m.getAcknowledged(),
        fCntDown: m.getFCntDown(),
        queueItemId: m.getQueueItemId(),
      };
    }
    case 'txack': {
      const m = parse('TxAckEvent', () => integrationPb.TxAckEvent.deserializeBinary(payload));
      return {
        event,
        device: deviceInfo(m.getDeviceInfo(), 'TxAckEvent'),
        time: iso(m.getTime()),
        deduplicationId: undefined,
        fCntDown: m.getFCntDown(),
        gatewayId: m.getGatewayId().toLowerCase(),
        queueItemId: m.getQueueItemId(),
        downlinkId: m.getDownlinkId(),
      };
    }
    case 'log': {
      const m = parse('LogEvent', () => integrationPb.LogEvent.deserializeBinary(payload));
      return {
        event,
        device: deviceInfo(m.getDeviceInfo(), 'LogEvent'),
        time: iso(m.getTime()),
        deduplicationId: undefined,
        level: LOG_LEVELS[m.getLevel()] ?? 'error',
        code: LOG_CODES[m.getCode()] ?? String(m.getCode()),
        description: m.getDescription(),
      };
    }
    case 'location': {
      const m = parse('LocationEvent', () => integrationPb.LocationEvent.deserializeBinary(payload));
      const loc = m.getLocation();
      if (!loc) throw new DecodeError('LocationEvent', 'location', 'missing');
      return {
        event,
        device: deviceInfo(m.getDeviceInfo(), 'LocationEvent'),
        time: iso(m.getTime()),
        deduplicationId: m.getDeduplicationId() || undefined,
        latitude: loc.getLatitude(),
        longitude: loc.getLongitude(),
        altitude: loc.getAltitude(),
        source: LOCATION_SOURCES[loc.getSource()] ?? String(loc.getSource()),
      };
    }
  }
}

/** Decodes a Protobuf gateway `state/conn` (`gw.ConnState`) or `event/stats` (`gw.GatewayStats`). */
export function decodeProtobufGateway(
  kind: 'conn' | 'stats',
  topicGatewayId: string,
  payload: Uint8Array,
): GatewayMessage {
  if (kind === 'conn') {
    const m = parse('ConnState', () => gwPb.ConnState.deserializeBinary(payload));
    return {
      kind,
      gatewayId: (m.getGatewayId() || topicGatewayId).toLowerCase(),
      state: m.getState() === gwPb.ConnState.State.ONLINE ? 'online' : 'offline',
    };
  }
  const m = parse('GatewayStats', () => gwPb.GatewayStats.deserializeBinary(payload));
  return {
    kind,
    gatewayId: (m.getGatewayId() || topicGatewayId).toLowerCase(),
    time: iso(m.getTime()),
    rxReceived: m.getRxPacketsReceived(),
    rxOk: m.getRxPacketsReceivedOk(),
    txReceived: m.getTxPacketsReceived(),
    txEmitted: m.getTxPacketsEmitted(),
  };
}
