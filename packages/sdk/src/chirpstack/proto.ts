// The only module that loads @chirpstack/chirpstack-api and @grpc/grpc-js. They are optional peer
// dependencies: the first line checks that all three are installed and otherwise throws one error that
// names them (see internal/peers.ts). The package has no root entry and no exports map, so we load deep
// CommonJS paths (module.exports), which works the same in the ESM and CJS builds. jspb classes never
// leave this folder's internals.
import { createRequire } from 'node:module';
import { assertPeers, CHIRPSTACK_PEERS } from '../internal/peers.js';

assertPeers('@fieldops/sdk/chirpstack', CHIRPSTACK_PEERS);

const load = createRequire(import.meta.url);

/** @grpc/grpc-js (the one copy the generated clients use too). */
export const grpc = load('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
export const applicationGrpc = load(
  '@chirpstack/chirpstack-api/api/application_grpc_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/application_grpc_pb.js');
export const applicationPb = load(
  '@chirpstack/chirpstack-api/api/application_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/application_pb.js');
export const deviceGrpc = load(
  '@chirpstack/chirpstack-api/api/device_grpc_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/device_grpc_pb.js');
export const devicePb = load(
  '@chirpstack/chirpstack-api/api/device_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/device_pb.js');
export const deviceProfileGrpc = load(
  '@chirpstack/chirpstack-api/api/device_profile_grpc_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/device_profile_grpc_pb.js');
export const deviceProfilePb = load(
  '@chirpstack/chirpstack-api/api/device_profile_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/device_profile_pb.js');
export const gatewayGrpc = load(
  '@chirpstack/chirpstack-api/api/gateway_grpc_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/gateway_grpc_pb.js');
export const gatewayPb = load(
  '@chirpstack/chirpstack-api/api/gateway_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/gateway_pb.js');
export const internalGrpc = load(
  '@chirpstack/chirpstack-api/api/internal_grpc_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/internal_grpc_pb.js');
export const internalPb = load(
  '@chirpstack/chirpstack-api/api/internal_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/internal_pb.js');
export const tenantGrpc = load(
  '@chirpstack/chirpstack-api/api/tenant_grpc_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/tenant_grpc_pb.js');
export const tenantPb = load(
  '@chirpstack/chirpstack-api/api/tenant_pb.js',
) as typeof import('@chirpstack/chirpstack-api/api/tenant_pb.js');
export const commonPb = load(
  '@chirpstack/chirpstack-api/common/common_pb.js',
) as typeof import('@chirpstack/chirpstack-api/common/common_pb.js');
export const emptyPb = load(
  'google-protobuf/google/protobuf/empty_pb.js',
) as typeof import('google-protobuf/google/protobuf/empty_pb.js');
export const timestampPb = load(
  'google-protobuf/google/protobuf/timestamp_pb.js',
) as typeof import('google-protobuf/google/protobuf/timestamp_pb.js');
