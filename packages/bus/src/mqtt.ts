// The MQTT entry: loads `mqtt` (an optional peer) only here.
export { createMqttBus, type MqttBus, type MqttBusOptions } from './mqtt/mqtt-bus.js';
