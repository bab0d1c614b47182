// The fake ChirpStack v4 gRPC server of @fieldops/sdk/testing.
export type { FakeChirpStack, FakeChirpStackOptions } from './server.js';
export { startFakeChirpStack } from './server.js';
export type { FakeChirpStackState } from './store.js';
