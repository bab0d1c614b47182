// @fieldops/notify/service: notify as a process (`fieldops-notify`): the config file, the server, the CLI.
// Kept out of the root entry so a library user does not load pino or yaml.

/** The CLI behind the `fieldops-notify` bin, and its logger. */
export { createServiceLogger, runNotifyCli } from './cli.js';
/** notify.yaml: read and validated against `notify.v1.ConfigFile`. */
export {
  type LoadedConfigFile,
  loadConfigFile,
  parseConfigFile,
  type ServiceSection,
} from './config-file.js';
/** `/healthz` and `/readyz`. */
export type { ReadinessChecks } from './health.js';
/** Every secret a configuration names, with its field path. */
export { collectSecretFields, type SecretField } from './secret-refs.js';
/** The service: store, engine, HTTP server, graceful stop. */
export { type NotifyService, type NotifyServiceOptions, startNotifyService } from './service.js';
/** The store a `service.store` section opens. */
export { type OpenedStore, openServiceStore } from './store-factory.js';
