// @fieldops/sdk/testing: test kits. The only entry that loads msw.

// ---- registry and RFID: stateful MSW handler sets over the provider handlers, with fault injection ----
export { type Fault, type FaultController, withFaults } from './msw/faults.js';
export { createRegistryMswKit, createRfidMswKit, type MswKit, type MswKitOptions } from './msw/kits.js';
