// Test kit shared by every package whose tests need real servers: `import { startNats } from '@fieldops/bus/testing'`.
export { freePort, startChild, stopChild, waitForPort } from './testing/process.js';
export {
  type MosquittoOptions,
  missingServer,
  type NatsAuthOption,
  type NatsOptions,
  type PostgresServer,
  type RestartableServer,
  type RestartOptions,
  serverBinaries,
  startMosquitto,
  startNats,
  startPostgres,
  type TestServer,
} from './testing/servers.js';
