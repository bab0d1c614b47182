// @fieldops/cockpit: the live operational cockpit as an A2UI v0.9 source (contract cockpit.v1).

// ---- sources and sinks ----
export { type ActionOutcome, type HandleActionOptions, handleUserAction } from './actions.js';
export { type CockpitEventHandler, type CockpitHandlerTable, cockpitHandlers } from './bus.js';
// ---- the cockpit: state, surfaces, deltas ----
export {
  type Cockpit,
  type CockpitMessage,
  type CockpitOptions,
  createCockpit,
  type FleetView,
} from './cockpit.js';
export { buildDataModelWrites, type DataModelWrite, jsonEqual } from './diff.js';
export { applyEvent, COCKPIT_EVENT_TYPES, type CockpitEvent } from './events.js';
export { escapePointerToken, joinPointer } from './json-pointer.js';
export {
  createNotifyClient,
  maskAddress,
  NotifyCallError,
  type NotifyClient,
  type NotifyClientOptions,
} from './notify-client.js';
// ---- HTTP ----
export { type CockpitListener, type CockpitListenerOptions, createCockpitListener } from './server.js';
export type {
  CockpitState,
  DeviceRow,
  GatewayRow,
  IncidentRow,
  RunRow,
  SiteState,
  StationRow,
} from './state.js';
// ---- surfaces ----
export { FLEET_SURFACE } from './surfaces/fleet.js';
export { INCIDENTS_SURFACE, SILENCE_MINUTES } from './surfaces/incidents.js';
export { siteSurfaceId } from './surfaces/site.js';
