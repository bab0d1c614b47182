// @fieldops/contracts: every fieldops integration contract, versioned. The root entry re-exports the
// current version of each integration point as a namespace (`rfid.EventBatch`); a version is also
// its own import path (`@fieldops/contracts/rfid/v1`), which is what long-lived code should import.

// Integration points, current versions
export * as automation from './automation/v1.js';
export type { JsonSchemaOptions } from './catalog.js';
// The catalog of named contracts
export {
  getContractSchema,
  getJsonSchema,
  listContractMeta,
  listContracts,
  validateContract,
} from './catalog.js';
export * as chirpstack from './chirpstack/v1.js';
export * as cockpit from './cockpit/v1.js';
// Generated documents (pure builders; `pnpm generate` writes their output)
export {
  ALL_CONVERTERS,
  buildAsyncApiDocument,
  buildOpenApiDocument,
  contractIdOf,
  HTTP_API_VERSIONS,
  HTTP_APIS,
  type HttpApiPoint,
  httpApi,
  jsonSchemaFileName,
  mqttTopicOfEventType,
  natsSubjectOfEventType,
} from './documents.js';
export type { ContractIssue } from './errors.js';
// Errors and validation
export { ContractError, formatContractIssues, formatPath, isContractError } from './errors.js';
export { downStationHealthEvent, EVENT_CONVERTERS, upStationHealthEvent } from './events/convert-v1-v2.js';
export type { EventOf, EventType, FieldopsEvent } from './events/v1.js';
export * as events from './events/v1.js';
export { buildEvent, eventKey } from './events/v1.js';
export {
  allEventTypeNames,
  convertEvent,
  converterPath,
  eventSchemaFor,
  splitEventType,
} from './events/versions.js';
export * as fleet from './fleet/v1.js';
export type { IdGenerator, IdGeneratorOptions, IdPrefix, IdTypes } from './ids/v1.js';
export * as ids from './ids/v1.js';
// The helpers most callers need, flat
export { createIdGenerator, idTimestamp, isId, newId, parseId } from './ids/v1.js';
export type { ContractMeta, ContractResult } from './internal/contract.js';
export { contractMetaOf, parseContract, safeParseContract } from './internal/contract.js';
export { defineConverter, notConvertible, type VersionConverter } from './internal/converter.js';
export type { ApiContract, ApiOperation, ApiParameter, ApiResponse } from './internal/http-api.js';
export * as kb from './kb/v1.js';
// Contract evolution: lifecycle (deprecation, sunset, who speaks what) and converters between versions
export {
  CONTRACT_VERSIONS,
  type ContractVersionInfo,
  contractVersionInfo,
  type Deprecation,
  deprecationHeaders,
  deprecationHeaderValue,
  deprecationLinkValue,
  sunsetHeaderValue,
} from './lifecycle.js';
export * as notify from './notify/v1.js';
export * as ports from './ports/v1.js';
export * as regions from './regions/v1.js';
export * as registry from './registry/v1.js';
export {
  downEventBatch,
  downStationStatus,
  RFID_CONVERTERS,
  upStationStatus,
} from './rfid/convert-v1-v2.js';
export * as rfid from './rfid/v1.js';
export type { ParsedSecretRef, SecretRef } from './secrets/v1.js';
export * as secrets from './secrets/v1.js';
export { isSecretKey, isSecretRef, parseSecretRef, REDACTED } from './secrets/v1.js';
