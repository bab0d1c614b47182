// @fieldops/sdk: typed clients for the fieldops integration points. This root entry loads neither
// protobuf nor msw: ChirpStack lives in `@fieldops/sdk/chirpstack`, test kits in `@fieldops/sdk/testing`.

// ---- automation runner and run bundles ----
export * from './automation/index.js';
// ---- registry (CRM/PM) and RFID backend clients (+ transport) ----
export * from './registry/index.js';
export * from './rfid/index.js';

// ---- secrets ----
export * from './secrets/index.js';
