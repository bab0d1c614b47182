// @fieldops/agent: the site agent's parts, usable on their own (the `fieldops-agent` bin wires them).

// ---- the agent process ----
export {
  type Agent,
  type AgentMonitor,
  type AgentParts,
  type AgentService,
  createAgent,
  type EventSink,
  type SinkEvent,
} from './agent.js';
export { AgentConfig, AgentMqttConfig } from './config.js';
export { serveHealthz } from './healthz.js';
export { loadConfig } from './load-config.js';
// ---- ChirpStack MQTT integration consumer ----
export {
  createMqttConsumer,
  type MqttConsumer,
  type MqttConsumerOptions,
  type MqttConsumerStats,
} from './mqtt/consumer.js';
export { DecodeError } from './mqtt/decode-error.js';
export { decodeJsonEvent, decodeJsonGateway } from './mqtt/decode-json.js';
export { decodeProtobufEvent, decodeProtobufGateway } from './mqtt/decode-protobuf.js';
export type { DeviceEvent, DeviceInfoSummary, GatewayMessage } from './mqtt/device-event.js';
export {
  createMessageHandler,
  type HandledMessage,
  type MessageHandlerOptions,
} from './mqtt/handle-message.js';
export {
  buildEventId,
  buildGatewayStatsEvent,
  buildTelemetryEvent,
  DEVICE_ID_TAG,
  type TelemetryEvent,
  type TelemetryEventOptions,
} from './mqtt/to-events.js';
export {
  APPLICATION_EVENTS,
  type ApplicationEventName,
  buildSubscriptions,
  type ParsedTopic,
  parseTopic,
} from './mqtt/topics.js';
// ---- registry observed state ----
export {
  createObservedStateBatcher,
  type FlushResult,
  type ObservedStateBatcher,
  type ObservedStateBatcherOptions,
  type ObservedStateWriter,
} from './observed/batcher.js';
// ---- producers: other event sources run by the agent (RFID health, fleet sync) ----
export {
  type AgentProducer,
  createIntervalProducer,
  createStationHealthProducer,
  type Emit,
  type IntervalProducerOptions,
} from './producer.js';
// ---- the site process (what the `fieldops-agent` bin runs) ----
export {
  type CentralConnection,
  type CentralLinkOptions,
  createCentralLink,
} from './site/central-link.js';
export { readConfigFile } from './site/read-config.js';
export { type AgentSecrets, resolveAgentSecrets, secretRefs } from './site/resolve-secrets.js';
export { type SiteAgent, type SiteAgentOptions, startSiteAgent } from './site/site-agent.js';
