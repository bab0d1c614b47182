// @fieldops/sdk/testing: test kits. The only entry that loads msw.

// ---- fake ChirpStack v4 gRPC server ----
export type { FakeChirpStack, FakeChirpStackOptions, FakeChirpStackState } from './fake-chirpstack/index.js';
export { startFakeChirpStack } from './fake-chirpstack/index.js';
// ---- registry and RFID: stateful MSW handler sets over the provider handlers, with fault injection ----
export { type Fault, type FaultController, withFaults } from './msw/faults.js';
export { createRegistryMswKit, createRfidMswKit, type MswKit, type MswKitOptions } from './msw/kits.js';
// ---- real servers for tests: Mosquitto on a random 127.0.0.1 port ----
export {
  freePort,
  hasMosquitto,
  type StartMosquittoOptions,
  startMosquitto,
  type TestMosquitto,
} from './servers/mosquitto.js';
