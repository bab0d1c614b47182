import { decodeJsonEvent, decodeJsonGateway } from './decode-json.js';
import { decodeProtobufEvent, decodeProtobufGateway } from './decode-protobuf.js';
import type { DeviceEvent, GatewayMessage } from './device-event.js';
import {
  buildGatewayStatsEvent,
  buildTelemetryEvent,
  DEVICE_ID_TAG,
  type TelemetryEvent,
  type TelemetryEventOptions,
} from './to-events.js';
import { type ParsedTopic, parseTopic } from './topics.js';

/** Options of {@link createMessageHandler}. */
export interface MessageHandlerOptions extends TelemetryEventOptions {
  /** The first level of application topics (ChirpStack's default `application`). */
  applicationTopicPrefix: string;
  /** Region topic prefixes of the Gateway Bridge(s), e.g. `as923_2`. */
  gatewayTopicPrefixes: readonly string[];
}

/** What one MQTT message became. */
export interface HandledMessage {
  topic: ParsedTopic;
  /** The CloudEvent to publish, if any (conn state produces none: health decides). */
  event?: TelemetryEvent;
  device?: DeviceEvent;
  gateway?: GatewayMessage;
  /** Observed-state fields for the registry record, when the device carries its registry id. */
  observed?: { deviceId: string; fields: Record<string, unknown> };
}

/** Parsed topics kept by one handler; past this the cache starts again (unbounded topic names). */
const TOPIC_CACHE_SIZE = 20_000;

// A JSON object starts with `{`; no Protobuf message of ChirpStack starts with 0x7b (field 15, wire
// type 3, a deprecated group): the encoding is told from the first byte, whatever `json` is set to.
const isJson = (payload: Uint8Array) => payload[0] === 0x7b;

function observedFields(e: DeviceEvent): Record<string, unknown> | undefined {
  const seen = e.time ?? undefined;
  switch (e.event) {
    case 'up':
      return { last_seen_at: seen, f_cnt: e.fCnt, dr: e.dr, rssi: e.rssi, snr: e.snr };
    case 'status':
      return {
        battery_level: e.batteryLevel,
        margin: e.margin,
        external_power_source: e.externalPowerSource,
        status_at: seen,
      };
    case 'join':
      return { joined_at: seen, dev_addr: e.devAddr.toLowerCase() };
    case 'location':
      return { location: { latitude: e.latitude, longitude: e.longitude, altitude: e.altitude } };
    default:
      return undefined;
  }
}

/** The fields without `undefined` values (JSON has none). */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in fields) if (fields[k] !== undefined) out[k] = fields[k];
  return out;
}

/**
 * The pure part of the consumer: topic + payload -> decoded message, CloudEvent and observed-state
 * fields. Throws a {@link DecodeError} naming the message and field on bad input; returns undefined
 * for a topic it does not handle.
 */
export function createMessageHandler(options: MessageHandlerOptions) {
  // A site has a bounded set of topics (devices × event types, gateways × 2), each seen again and
  // again: parse each once (parsing was the largest cost after decoding in the bench profile).
  const topics = new Map<string, ParsedTopic | null>();
  const parse = (name: string): ParsedTopic | null => {
    let topic = topics.get(name);
    if (topic === undefined) {
      topic = parseTopic(name, options.applicationTopicPrefix, options.gatewayTopicPrefixes) ?? null;
      if (topic) Object.freeze(topic);
      if (topics.size >= TOPIC_CACHE_SIZE) topics.clear();
      topics.set(name, topic);
    }
    return topic;
  };
  return (topicName: string, payload: Uint8Array): HandledMessage | undefined => {
    const topic = parse(topicName);
    if (!topic) return undefined;
    if (topic.kind === 'application') {
      const keep = options.includePayload === true;
      const device = isJson(payload)
        ? decodeJsonEvent(topic.event, payload, keep)
        : decodeProtobufEvent(topic.event, payload, keep);
      const event = buildTelemetryEvent(device, payload, options);
      const deviceId = device.device.tags[DEVICE_ID_TAG];
      const fields = observedFields(device);
      return {
        topic,
        device,
        event,
        ...(deviceId?.startsWith('dev_') && fields
          ? { observed: { deviceId, fields: defined(fields) } }
          : {}),
      };
    }
    const kind = topic.kind === 'gateway_conn' ? 'conn' : 'stats';
    const gateway = isJson(payload)
      ? decodeJsonGateway(kind, topic.gatewayId, payload)
      : decodeProtobufGateway(kind, topic.gatewayId, payload);
    if (gateway.kind === 'stats')
      return { topic, gateway, event: buildGatewayStatsEvent(gateway, payload, options) };
    return { topic, gateway };
  };
}
