// Serves the RFID and registry provider handlers (in-memory backends) on loopback for the CI
// conformance step (.ci/steps/65-verify.sh): prints `rfid URL` and `registry URL`, runs until killed.
import { createMemoryRegistryBackend, createRegistryHandler } from '../../src/registry/index.js';
import { createMemoryRfidBackend, createRfidHandler, serveFetchHandler } from '../../src/rfid/index.js';
import { executionSpec } from '../registry/fixtures.js';

const token = process.env.FIELDOPS_VERIFY_TOKEN;
const apiTokens = token ? [token] : [];
const rfid = await serveFetchHandler(
  createRfidHandler({
    backend: createMemoryRfidBackend({ claimCodes: ['CI-CLAIM-0001', 'CI-CLAIM-0002'], apiTokens }),
  }),
  { port: 0, host: '127.0.0.1' },
);
const registryBackend = createMemoryRegistryBackend({ apiTokens });
const spec = executionSpec();
registryBackend.putDeploymentSpec(spec);
const registry = await serveFetchHandler(createRegistryHandler({ backend: registryBackend }), {
  port: 0,
  host: '127.0.0.1',
});
process.stdout.write(`rfid ${rfid.url}\ndeployment ${spec.deployment_id}\nregistry ${registry.url}\n`);
process.on('SIGTERM', async () => {
  await rfid.close();
  await registry.close();
  process.exit(0);
});
