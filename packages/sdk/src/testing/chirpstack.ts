// @fieldops/sdk/testing/chirpstack: a fake ChirpStack v4 gRPC server on loopback. Needs the ChirpStack
// entry's optional peers (@grpc/grpc-js, @chirpstack/chirpstack-api, google-protobuf, …).
export type { FakeChirpStack, FakeChirpStackOptions, FakeChirpStackState } from './fake-chirpstack/index.js';
export { startFakeChirpStack } from './fake-chirpstack/index.js';
export type { SampleIntegrationSecrets } from './sample-integrations.js';
export { sampleIntegrations } from './sample-integrations.js';
