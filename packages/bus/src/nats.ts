// The NATS JetStream entry: loads `@nats-io/transport-node` and `@nats-io/jetstream` (optional peers) only here.
export {
  createJetStreamBus,
  type JetStreamBus,
  type JetStreamBusOptions,
  type NatsAuth,
} from './nats/jetstream-bus.js';
