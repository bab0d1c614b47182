import { createRpcCaller, type RpcOptions } from './client.js';
import { applicationMethods } from './resources/applications.js';
import { deviceProfileMethods } from './resources/device-profiles.js';
import { deviceMethods } from './resources/devices.js';
import { gatewayMethods } from './resources/gateways.js';
import { integrationMethods } from './resources/integrations.js';
import { internalMethods } from './resources/internal.js';
import { tenantMethods } from './resources/tenants.js';

/** Options of {@link createChirpStackClient}. */
export type ChirpStackClientOptions = RpcOptions;

/** A typed ChirpStack v4 gRPC client: plain objects in and out, typed errors, retries, one log line per call. */
export type ChirpStackClient = ReturnType<typeof tenantMethods> &
  ReturnType<typeof applicationMethods> &
  ReturnType<typeof integrationMethods> &
  ReturnType<typeof deviceProfileMethods> &
  ReturnType<typeof deviceMethods> &
  ReturnType<typeof gatewayMethods> &
  ReturnType<typeof internalMethods> & {
    /** `host:port` this client talks to. */
    readonly target: string;
    /** True when mutating calls are refused locally. */
    readonly readOnly: boolean;
    /** Closes the channel. */
    close(): void;
  };

/** Creates a {@link ChirpStackClient}. */
export function createChirpStackClient(options: ChirpStackClientOptions): ChirpStackClient {
  const rpc = createRpcCaller(options);
  return {
    ...tenantMethods(rpc),
    ...applicationMethods(rpc),
    ...integrationMethods(rpc),
    ...deviceProfileMethods(rpc),
    ...deviceMethods(rpc),
    ...gatewayMethods(rpc),
    ...internalMethods(rpc),
    target: rpc.target,
    readOnly: rpc.readOnly,
    close: () => rpc.close(),
  };
}
