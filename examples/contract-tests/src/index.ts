// The "user code" the tests in ../test exercise against the SDK's test kits.

/** Claims, maps and records a site's RFID stations. */
export { type OnboardDeps, type OnboardResult, onboardStations } from './onboard-stations.js';
/** Provisions a site's sensors in ChirpStack through the reconciler. */
export { type ProvisionSummary, provisionSensors, type Sensor } from './provision-sensors.js';
