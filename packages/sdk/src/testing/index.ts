// @fieldops/sdk/testing: the HTTP test kits. Loads msw (an optional peer) and no gRPC; the fake
// ChirpStack server is its own entry, @fieldops/sdk/testing/chirpstack.

// ---- registry and RFID: stateful MSW handler sets over the provider handlers, with fault injection ----
export { type Fault, type FaultController, withFaults } from './msw/faults.js';
export { createRegistryMswKit, createRfidMswKit, type MswKit, type MswKitOptions } from './msw/kits.js';
