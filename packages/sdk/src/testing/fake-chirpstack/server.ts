import type * as grpcTypes from '@grpc/grpc-js';
import {
  applicationGrpc,
  deviceGrpc,
  deviceProfileGrpc,
  deviceProfilePb,
  gatewayGrpc,
  grpc,
  internalGrpc,
  tenantGrpc,
} from '../../chirpstack/proto.js';
import { createApiKey, type FakeApiKey } from './auth.js';
import { addGlobalDeviceProfile } from './device-profiles.js';
import { FakeRpcError } from './errors.js';
import type { Handler } from './handler.js';
import { buildHandlers } from './services.js';
import { createFakeState, type FakeChirpStackState } from './store.js';

/** Options of {@link startFakeChirpStack}. */
export interface FakeChirpStackOptions {
  /** The token of the admin API key the server starts with (default `fake-token`). */
  apiToken?: string;
  /** Latency added to every call, in ms (default 0). */
  latencyMs?: number;
  /** The fake's clock (default `() => new Date()`). */
  now?: () => Date;
  /** Port to bind on 127.0.0.1 (default 0: any free port). */
  port?: number;
}

/** A running fake ChirpStack v4 gRPC API on loopback. */
export interface FakeChirpStack {
  /** `127.0.0.1:<port>`, for `createChirpStackClient({ target })`. */
  readonly target: string;
  /** The token of its admin API key. */
  readonly apiToken: string;
  /** Adds an API key: a tenant key when `tenantId` is given, else an admin key. Returns its token. */
  createApiKey(options?: { tenantId?: string; readOnly?: boolean }): string;
  /** Adds a global device profile (tenant null), as importing the device repository does. Returns its id. */
  addGlobalDeviceProfile(profile: { name: string; region?: number; uplinkInterval?: number }): string;
  /** The in-memory state (inspect it in tests; mutate it to simulate the field). */
  readonly state: FakeChirpStackState;
  /** Calls per RPC (`DeviceService/Create` -> n), rejected ones included. */
  rpcCounts(): Record<string, number>;
  /**
   * Calls whose handler succeeded (the change is kept, a lost reply included), in order, with the
   * entity they name (DevEUI, gateway id, name or id): what a client really did, not what it tried.
   */
  committed(): { rpc: string; subject: string }[];
  /** Sum of {@link FakeChirpStack.rpcCounts}. */
  rpcTotal(): number;
  /** Zeroes the counters. */
  resetCounters(): void;
  /**
   * The next `n` calls fail with UNAVAILABLE (or `code`) before reaching a handler; with
   * `{ afterCommit: true }` the handler runs (its change is kept) and the reply is lost.
   */
  failNext(n: number, code?: number, options?: { afterCommit?: boolean }): void;
  /** Sets the latency added to each call. */
  setLatency(ms: number): void;
  /** Records an uplink: sets last seen (and status) of a device. */
  setDeviceSeen(
    devEui: string,
    at: Date | null,
    status?: { battery_level?: number; margin?: number; external_power_source?: boolean },
  ): void;
  /** Records gateway stats: sets its last seen time. */
  setGatewaySeen(gatewayId: string, at: Date | null): void;
  /** Stops the server (in-flight calls are cancelled). */
  stop(): Promise<void>;
}

const SERVICES = {
  TenantService: tenantGrpc.TenantServiceService,
  ApplicationService: applicationGrpc.ApplicationServiceService,
  DeviceProfileService: deviceProfileGrpc.DeviceProfileServiceService,
  DeviceService: deviceGrpc.DeviceServiceService,
  GatewayService: gatewayGrpc.GatewayServiceService,
  InternalService: internalGrpc.InternalServiceService,
} as const;

type Getter = { [k: string]: (() => unknown) | undefined };

/** The entity a request names, for {@link FakeChirpStack.committed}. */
function subjectOf(request: unknown): string {
  const r = request as Getter;
  const inner = ([
    'getDevice',
    'getDeviceKeys',
    'getGateway',
    'getApplication',
    'getDeviceProfile',
    'getTenant',
  ]
    .map((g) => r[g]?.call(r))
    .find((x) => x) ?? r) as Getter;
  for (const g of ['getDevEui', 'getGatewayId', 'getName', 'getId']) {
    const v = inner[g]?.call(inner);
    if (typeof v === 'string' && v) return v;
  }
  return '';
}

/** The interceptor of chirpstack/src/api/auth/mod.rs:17-74 (v4.19.0), over the fake's keys. */
function authenticate(header: unknown, keys: Map<string, FakeApiKey>): FakeApiKey | FakeRpcError {
  if (header === undefined) return new FakeRpcError(grpc.status.UNAUTHENTICATED, 'no authorization provided');
  const text = String(header);
  if (!text.startsWith('Bearer '))
    return new FakeRpcError(
      grpc.status.UNAUTHENTICATED,
      "authorization metadata must be in format 'Bearer <TOKEN>",
    );
  return keys.get(text.slice(7)) ?? new FakeRpcError(grpc.status.UNAUTHENTICATED, 'InvalidToken');
}

/**
 * Starts a fake ChirpStack v4.19 API: a real grpc-js server on 127.0.0.1 built from
 * @chirpstack/chirpstack-api's own service definitions, in memory, with admin and tenant API
 * keys, the server's validation, error statuses and messages, list order and cascades (each rule
 * cites its source in the service files), fault injection and RPC counters. Methods it does not
 * implement answer UNIMPLEMENTED.
 */
export async function startFakeChirpStack(options: FakeChirpStackOptions = {}): Promise<FakeChirpStack> {
  const apiToken = options.apiToken ?? 'fake-token';
  const now = options.now ?? (() => new Date());
  const state = createFakeState();
  const handlers = buildHandlers();
  const keys = new Map<string, FakeApiKey>();
  const admin = createApiKey({ token: apiToken });
  keys.set(admin.token, admin);
  const counts = new Map<string, number>();
  const committed: { rpc: string; subject: string }[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let failures = 0;
  let failureCode: number = grpc.status.UNAVAILABLE;
  let failAfterCommit = false;

  const server = new grpc.Server();
  for (const [serviceName, definition] of Object.entries(SERVICES)) {
    const impl: grpcTypes.UntypedServiceImplementation = {};
    const own: Record<string, Handler> = handlers[serviceName] ?? {};
    for (const [method, def] of Object.entries(definition as grpcTypes.ServiceDefinition)) {
      const rpcName = def.path.slice(def.path.lastIndexOf('/') + 1);
      const name = `${serviceName}/${rpcName}`;
      const handler = own[method];
      impl[method] = (
        call: grpcTypes.ServerUnaryCall<unknown, unknown>,
        callback: grpcTypes.sendUnaryData<unknown>,
      ) => {
        counts.set(name, (counts.get(name) ?? 0) + 1);
        const reply = () => {
          let lost: grpcTypes.ServiceError | null = null;
          if (failures > 0) {
            failures -= 1;
            const injected = Object.assign(new Error('fake: injected failure'), {
              code: failureCode,
              details: 'fake: injected failure',
              metadata: new grpc.Metadata(),
            });
            if (!failAfterCommit) {
              callback(injected);
              return;
            }
            lost = injected;
          }
          const key = authenticate(call.metadata.get('authorization')[0], keys);
          if (key instanceof FakeRpcError) {
            callback(lost ?? { code: key.code, details: key.message });
            return;
          }
          if (!handler) {
            callback({ code: grpc.status.UNIMPLEMENTED, details: `fake: ${name} is not implemented` });
            return;
          }
          try {
            const response = handler(call.request, { key, now: now(), state });
            committed.push({ rpc: name, subject: subjectOf(call.request) });
            callback(lost, lost ? undefined : response);
          } catch (error) {
            if (lost) callback(lost);
            else if (error instanceof FakeRpcError) callback({ code: error.code, details: error.message });
            else callback({ code: grpc.status.INTERNAL, details: String(error) });
          }
        };
        if (latencyMs > 0) setTimeout(reply, latencyMs);
        else reply();
      };
    }
    server.addService(definition as grpcTypes.ServiceDefinition, impl);
  }

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );

  return {
    target: `127.0.0.1:${port}`,
    apiToken,
    state,
    rpcCounts: () => Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b))),
    committed: () => committed.map((c) => ({ ...c })),
    rpcTotal: () => [...counts.values()].reduce((a, b) => a + b, 0),
    resetCounters: () => {
      counts.clear();
      committed.length = 0;
    },
    failNext(n, code = grpc.status.UNAVAILABLE, failOptions = {}) {
      failures = n;
      failureCode = code;
      failAfterCommit = failOptions.afterCommit === true;
    },
    createApiKey(keyOptions = {}) {
      const key = createApiKey(keyOptions);
      keys.set(key.token, key);
      return key.token;
    },
    addGlobalDeviceProfile(profile) {
      const p = new deviceProfilePb.DeviceProfile();
      p.setName(profile.name);
      p.setRegion((profile.region ?? 0) as never);
      p.setUplinkInterval(profile.uplinkInterval ?? 3600);
      p.setSupportsOtaa(true);
      return addGlobalDeviceProfile(state, p, now());
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setDeviceSeen(devEui, at, status) {
      const d = state.devices.get(devEui.toLowerCase());
      if (!d) throw new Error(`fake-chirpstack: no device ${devEui}`);
      d.last_seen_at = at;
      if (status)
        d.status = {
          margin: status.margin ?? d.status?.margin ?? 10,
          external_power_source: status.external_power_source ?? d.status?.external_power_source ?? false,
          battery_level: status.battery_level ?? d.status?.battery_level ?? -1,
        };
    },
    setGatewaySeen(gatewayId, at) {
      const g = state.gateways.get(gatewayId.toLowerCase());
      if (!g) throw new Error(`fake-chirpstack: no gateway ${gatewayId}`);
      g.last_seen_at = at;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => server.forceShutdown(), 200).unref();
      }),
  };
}
