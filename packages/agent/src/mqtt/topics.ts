/** The application events ChirpStack's MQTT integration publishes. */
export const APPLICATION_EVENTS = ['up', 'status', 'join', 'ack', 'txack', 'log', 'location'] as const;
/** One application event name. */
export type ApplicationEventName = (typeof APPLICATION_EVENTS)[number];

/** A parsed MQTT topic the consumer handles. */
export type ParsedTopic =
  | { kind: 'application'; applicationId: string; devEui: string; event: ApplicationEventName }
  | { kind: 'gateway_conn'; prefix: string; gatewayId: string }
  | { kind: 'gateway_stats'; prefix: string; gatewayId: string };

const HEX16 = /^[0-9a-fA-F]{16}$/;

/**
 * Parses `<app prefix>/{application_id}/device/{dev_eui}/event/{event}` (ChirpStack's default
 * `event_topic`, chirpstack/src/config.rs v4.19.0) and `{prefix}/gateway/{gateway_id}/state/conn` or
 * `/event/stats` (Gateway Bridge topic templates). Anything else is `undefined`.
 */
export function parseTopic(
  topic: string,
  applicationPrefix: string,
  gatewayPrefixes: readonly string[],
): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length === 6 && parts[0] === applicationPrefix && parts[2] === 'device' && parts[4] === 'event') {
    const event = parts[5] as ApplicationEventName;
    if (!APPLICATION_EVENTS.includes(event) || !HEX16.test(parts[3]!)) return undefined;
    return { kind: 'application', applicationId: parts[1]!, devEui: parts[3]!.toLowerCase(), event };
  }
  // A prefix may itself contain slashes (`eu868/site-a`): match it as a whole.
  for (const prefix of gatewayPrefixes) {
    if (!topic.startsWith(`${prefix}/gateway/`)) continue;
    const rest = topic.slice(prefix.length + '/gateway/'.length).split('/');
    if (rest.length !== 3 || !HEX16.test(rest[0]!)) return undefined;
    const gatewayId = rest[0]!.toLowerCase();
    if (rest[1] === 'state' && rest[2] === 'conn') return { kind: 'gateway_conn', prefix, gatewayId };
    if (rest[1] === 'event' && rest[2] === 'stats') return { kind: 'gateway_stats', prefix, gatewayId };
    return undefined;
  }
  return undefined;
}

/** The subscriptions of the consumer: application events and each prefix's gateway conn state and stats. */
export function buildSubscriptions(applicationPrefix: string, gatewayPrefixes: readonly string[]): string[] {
  return [
    `${applicationPrefix}/+/device/+/event/+`,
    ...gatewayPrefixes.flatMap((p) => [`${p}/gateway/+/state/conn`, `${p}/gateway/+/event/stats`]),
  ];
}
