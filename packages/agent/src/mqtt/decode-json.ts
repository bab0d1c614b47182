import { DecodeError } from './decode-error.js';
import type { DeviceEvent, DeviceInfoSummary, GatewayMessage } from './device-event.js';
import type { ApplicationEventName } from './topics.js';

// ChirpStack v4 serializes integration events with pbjson (api/rust/build.rs v4.19.0: `emit_fields`
// for `.integration`, so default values are present; nested `gw` messages omit them): camelCase
// names, enums as their names, bytes as base64, timestamps as RFC 3339 strings.
type Obj = Record<string, unknown>;

const MESSAGE: Record<ApplicationEventName, string> = {
  up: 'UplinkEvent',
  status: 'StatusEvent',
  join: 'JoinEvent',
  ack: 'AckEvent',
  txack: 'TxAckEvent',
  log: 'LogEvent',
  location: 'LocationEvent',
};

function field<T>(m: string, o: Obj, key: string, type: 'string' | 'number' | 'boolean', fallback?: T): T {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== type) throw new DecodeError(m, key, v === undefined ? 'missing' : `expected a ${type}`);
  return v as T;
}

function object(m: string, o: Obj, key: string): Obj | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(m, key, 'expected an object');
  return v as Obj;
}

function deviceInfo(m: string, o: Obj): DeviceInfoSummary {
  const d = object(m, o, 'deviceInfo');
  if (!d) throw new DecodeError(m, 'deviceInfo', 'missing');
  const devEui = d.devEui;
  if (typeof devEui !== 'string' || !/^[0-9a-fA-F]{16}$/.test(devEui))
    throw new DecodeError(m, 'deviceInfo.devEui', 'expected 16 hex digits');
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  const tags = (object(m, d, 'tags') ?? {}) as Record<string, string>;
  return {
    tenantId: str('tenantId'),
    applicationId: str('applicationId'),
    applicationName: str('applicationName'),
    deviceProfileName: str('deviceProfileName'),
    deviceName: str('deviceName'),
    devEui: devEui.toLowerCase(),
    tags,
  };
}

function base64Length(s: string): number {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.floor((s.length * 3) / 4) - pad;
}

function parseJson(m: string, payload: Uint8Array | string): Obj {
  let v: unknown;
  try {
    v = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  } catch (cause) {
    throw new DecodeError(m, '', 'not JSON', cause);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new DecodeError(m, '', 'expected a JSON object');
  return v as Obj;
}

/** Decodes a JSON application event (`json=true`, ChirpStack's default). */
export function decodeJsonEvent(
  event: ApplicationEventName,
  payload: Uint8Array | string,
  keepPayload = false,
): DeviceEvent {
  const m = MESSAGE[event];
  const o = parseJson(m, payload);
  const common = {
    device: deviceInfo(m, o),
    time: typeof o.time === 'string' ? new Date(o.time).toISOString() : undefined,
    deduplicationId:
      typeof o.deduplicationId === 'string' && o.deduplicationId ? o.deduplicationId : undefined,
  };
  switch (event) {
    case 'up': {
      const data = field<string>(m, o, 'data', 'string', '');
      const rx = Array.isArray(o.rxInfo) ? (o.rxInfo as Obj[]) : [];
      let rssi: number | null = null;
      let snr: number | null = null;
      for (const r of rx) {
        const v = typeof r.rssi === 'number' ? r.rssi : 0;
        if (rssi === null || v > rssi) {
          rssi = v;
          snr = typeof r.snr === 'number' ? r.snr : 0;
        }
      }
      return {
        event,
        ...common,
        devAddr: field(m, o, 'devAddr', 'string', ''),
        fCnt: field(m, o, 'fCnt', 'number', 0),
        fPort: field(m, o, 'fPort', 'number', 0),
        dr: field(m, o, 'dr', 'number', 0),
        confirmed: field(m, o, 'confirmed', 'boolean', false),
        payloadSize: base64Length(data),
        data: keepPayload ? data : undefined,
        object: keepPayload ? object(m, o, 'object') : undefined,
        rssi,
        snr,
        gateways: rx.length,
      };
    }
    case 'status':
      return {
        event,
        ...common,
        margin: field(m, o, 'margin', 'number', 0),
        externalPowerSource: field(m, o, 'externalPowerSource', 'boolean', false),
        batteryLevel: field(m, o, 'batteryLevelUnavailable', 'boolean', false)
          ? null
          : field(m, o, 'batteryLevel', 'number', 0),
      };
    case 'join':
      return { event, ...common, devAddr: field(m, o, 'devAddr', 'string', '') };
    case 'ack':
      return {
        event,
        ...common,
        acknowledged: field(m, o, 'acknowledged', 'boolean', false),
        fCntDown: field(m, o, 'fCntDown', 'number', 0),
        queueItemId: field(m, o, 'queueItemId', 'string', ''),
      };
    case 'txack':
      return {
        event,
        ...common,
        fCntDown: field(m, o, 'fCntDown', 'number', 0),
        gatewayId: field<string>(m, o, 'gatewayId', 'string', '').toLowerCase(),
        queueItemId: field(m, o, 'queueItemId', 'string', ''),
        downlinkId: field(m, o, 'downlinkId', 'number', 0),
      };
    case 'log': {
      const level = field<string>(m, o, 'level', 'string', 'INFO');
      const levels = { INFO: 'info', WARNING: 'warning', ERROR: 'error' } as const;
      if (!(level in levels)) throw new DecodeError(m, 'level', `unknown level ${JSON.stringify(level)}`);
      return {
        event,
        ...common,
        level: levels[level as keyof typeof levels],
        code: field(m, o, 'code', 'string', 'UNKNOWN'),
        description: field(m, o, 'description', 'string', ''),
      };
    }
    case 'location': {
      const loc = object(m, o, 'location');
      if (!loc) throw new DecodeError(m, 'location', 'missing');
      return {
        event,
        ...common,
        latitude: field(m, loc, 'latitude', 'number', 0),
        longitude: field(m, loc, 'longitude', 'number', 0),
        altitude: field(m, loc, 'altitude', 'number', 0),
        source: field(m, loc, 'source', 'string', 'UNKNOWN'),
      };
    }
  }
}

/** Decodes a JSON gateway `state/conn` or `event/stats` (Gateway Bridge `marshaler = "json"`). */
export function decodeJsonGateway(
  kind: 'conn' | 'stats',
  topicGatewayId: string,
  payload: Uint8Array | string,
): GatewayMessage {
  const m = kind === 'conn' ? 'ConnState' : 'GatewayStats';
  const o = parseJson(m, payload);
  const gatewayId = (
    typeof o.gatewayId === 'string' && o.gatewayId ? o.gatewayId : topicGatewayId
  ).toLowerCase();
  if (kind === 'conn') {
    // pbjson omits the default: OFFLINE (0) is an absent `state`.
    const state = o.state ?? 'OFFLINE';
    if (state !== 'ONLINE' && state !== 'OFFLINE')
      throw new DecodeError(m, 'state', `expected ONLINE or OFFLINE, got ${JSON.stringify(state)}`);
    return { kind, gatewayId, state: state === 'ONLINE' ? 'online' : 'offline' };
  }
  return {
    kind,
    gatewayId,
    time: typeof o.time === 'string' ? new Date(o.time).toISOString() : undefined,
    rxReceived: field(m, o, 'rxPacketsReceived', 'number', 0),
    rxOk: field(m, o, 'rxPacketsReceivedOk', 'number', 0),
    txReceived: field(m, o, 'txPacketsReceived', 'number', 0),
    txEmitted: field(m, o, 'txPacketsEmitted', 'number', 0),
  };
}
