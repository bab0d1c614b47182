// The only module that loads @chirpstack/chirpstack-api. The package has no root entry and no
// exports map, so we import deep CommonJS paths. Under ESM, `*_pb.js` exposes no named exports that
// Node can detect, so every module is taken through its default import (module.exports), which works
// the same in the ESM and CJS builds. jspb classes never leave this folder's internals.
import applicationGrpc from '@chirpstack/chirpstack-api/api/application_grpc_pb.js';
import applicationPb from '@chirpstack/chirpstack-api/api/application_pb.js';
import deviceGrpc from '@chirpstack/chirpstack-api/api/device_grpc_pb.js';
import devicePb from '@chirpstack/chirpstack-api/api/device_pb.js';
import deviceProfileGrpc from '@chirpstack/chirpstack-api/api/device_profile_grpc_pb.js';
import deviceProfilePb from '@chirpstack/chirpstack-api/api/device_profile_pb.js';
import gatewayGrpc from '@chirpstack/chirpstack-api/api/gateway_grpc_pb.js';
import gatewayPb from '@chirpstack/chirpstack-api/api/gateway_pb.js';
import internalGrpc from '@chirpstack/chirpstack-api/api/internal_grpc_pb.js';
import internalPb from '@chirpstack/chirpstack-api/api/internal_pb.js';
import tenantGrpc from '@chirpstack/chirpstack-api/api/tenant_grpc_pb.js';
import tenantPb from '@chirpstack/chirpstack-api/api/tenant_pb.js';
import commonPb from '@chirpstack/chirpstack-api/common/common_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';

export {
  applicationGrpc,
  applicationPb,
  commonPb,
  deviceGrpc,
  devicePb,
  deviceProfileGrpc,
  deviceProfilePb,
  emptyPb,
  gatewayGrpc,
  gatewayPb,
  internalGrpc,
  internalPb,
  tenantGrpc,
  tenantPb,
  timestampPb,
};
