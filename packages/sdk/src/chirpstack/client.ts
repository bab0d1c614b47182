import { randomUUID } from 'node:crypto';
import { type Clock, sleep as coreSleep, decideRetry, type Sleep, type Tracer } from '@fieldops/core';
import type * as grpcTypes from '@grpc/grpc-js';
import { clockOf } from '../internal/clock.js';
import { ChirpStackReadOnlyError, errorFromGrpc } from './errors.js';
import { type Logger, NOOP_LOGGER } from './logger.js';
import {
  applicationGrpc,
  deviceGrpc,
  deviceProfileGrpc,
  gatewayGrpc,
  grpc,
  internalGrpc,
  tenantGrpc,
} from './proto.js';
import { chirpstackRetryPolicy, isRetryableGrpc, type RetryOptions } from './retry.js';

/** A protobuf message, structurally (keeps google-protobuf's types out of the public .d.ts). */
export interface PbMessage {
  serializeBinary(): Uint8Array;
}

/** The services the client talks to. */
export type ServiceName =
  | 'TenantService'
  | 'ApplicationService'
  | 'DeviceProfileService'
  | 'DeviceService'
  | 'GatewayService'
  | 'InternalService';

/** Options of {@link createRpcCaller}: what every call shares. */
export interface RpcOptions {
  /** `host:port` of the ChirpStack gRPC API (port 8080 by default on a site). */
  target: string;
  /** The API token, sent as `authorization: Bearer <token>`; never logged. */
  apiToken: string | { reveal(): string } | (() => string | Promise<string>);
  /** `true` for TLS with the system roots, or the PEM root certificates. Default plaintext. */
  tls?: boolean | { rootCerts?: Buffer };
  /** Refuse every mutating call before it leaves the process (the central instance is read-only). */
  readOnly?: boolean;
  /** Deadline of one attempt in ms (default 10000). */
  deadlineMs?: number;
  retry?: RetryOptions;
  logger?: Logger;
  /** An OpenTelemetry tracer: one CLIENT span per call, its context sent as `traceparent`. None by default. */
  tracer?: Tracer;
  /** Injected for tests: sleeping between retries, randomness of the jitter, the clock. */
  sleep?: Sleep;
  random?: () => number;
  /** The clock (core's `Clock`) every time stamp and duration reads; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => number;
}

type UnaryMethod = (
  request: PbMessage,
  metadata: grpcTypes.Metadata,
  options: grpcTypes.CallOptions,
  callback: (error: grpcTypes.ServiceError | null, response?: PbMessage) => void,
) => grpcTypes.ClientUnaryCall;

/** Per-call options of {@link RpcCaller.call}. */
export interface CallOptions {
  /** The call changes state (refused by a read-only client). */
  mutating?: boolean;
  /**
   * false for a create that makes a new id each time (tenant, application, device profile): it is
   * never retried, because an UNAVAILABLE may come after the server committed it. Default true.
   */
  idempotent?: boolean;
  /** What the call is about (an EUI, id or name), for the log line. */
  subject?: string;
  /** Values the server might echo in an error; replaced by `[redacted]`. */
  secrets?: readonly string[];
}

/** Sends one unary RPC with auth, deadline, retries, read-only guard and one log line. Internal. */
export interface RpcCaller {
  call<Res extends PbMessage>(
    service: ServiceName,
    method: string,
    request: PbMessage,
    options?: CallOptions,
  ): Promise<Res>;
  readonly target: string;
  readonly readOnly: boolean;
  close(): void;
}

/** A server that echoes a key back in its error details must not put it in our error: replace them. */
function redactDetails(raw: unknown, secrets: readonly string[] | undefined): unknown {
  const values = (secrets ?? []).filter((v) => v.length >= 4);
  const details = (raw as { details?: unknown })?.details;
  if (values.length === 0 || typeof details !== 'string') return raw;
  let clean = details;
  for (const v of values) clean = clean.split(v).join('[redacted]').split(v.toUpperCase()).join('[redacted]');
  return { code: (raw as { code?: unknown }).code, details: clean };
}

/** Builds the shared plumbing: one channel, one client per service on it. */
export function createRpcCaller(options: RpcOptions): RpcCaller {
  const credentials =
    options.tls === undefined || options.tls === false
      ? grpc.credentials.createInsecure()
      : grpc.credentials.createSsl(options.tls === true ? undefined : options.tls.rootCerts);
  const channelOptions = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };
  const first = new tenantGrpc.TenantServiceClient(options.target, credentials, channelOptions);
  const channelOverride = first.getChannel();
  const shared = { ...channelOptions, channelOverride };
  const clients: Record<ServiceName, grpcTypes.Client> = {
    TenantService: first,
    ApplicationService: new applicationGrpc.ApplicationServiceClient(options.target, credentials, shared),
    DeviceProfileService: new deviceProfileGrpc.DeviceProfileServiceClient(
      options.target,
      credentials,
      shared,
    ),
    DeviceService: new deviceGrpc.DeviceServiceClient(options.target, credentials, shared),
    GatewayService: new gatewayGrpc.GatewayServiceClient(options.target, credentials, shared),
    InternalService: new internalGrpc.InternalServiceClient(options.target, credentials, shared),
  };
  const logger = options.logger ?? NOOP_LOGGER;
  const retry = chirpstackRetryPolicy(options.retry);
  const deadlineMs = options.deadlineMs ?? 10_000;
  const sleep = options.sleep ?? coreSleep;
  const random = options.random ?? Math.random;
  const clock = clockOf(options);
  const now = () => clock.now();
  const readOnly = options.readOnly === true;

  async function token(): Promise<string> {
    const t = options.apiToken;
    if (typeof t === 'string') return t;
    if (typeof t === 'function') return await t();
    return t.reveal();
  }

  function once(client: grpcTypes.Client, method: string, request: PbMessage, metadata: grpcTypes.Metadata) {
    const fn = (client as unknown as Record<string, UnaryMethod>)[method];
    if (typeof fn !== 'function') throw new TypeError(`@fieldops/sdk/chirpstack: no RPC ${method}`);
    return new Promise<PbMessage>((resolve, reject) => {
      // grpc-js compares an absolute deadline with the system time, so it is not read from `clock`
      // (an injected clock would time the call out at once or never).
      const deadline = Date.now() + deadlineMs;
      fn.call(client, request, metadata, { deadline }, (error, response) => {
        if (error) reject(error);
        else resolve(response as PbMessage);
      });
    });
  }

  return {
    target: options.target,
    readOnly,
    async call<Res extends PbMessage>(
      service: ServiceName,
      method: string,
      request: PbMessage,
      callOptions: CallOptions = {},
    ): Promise<Res> {
      const operation = `${service}/${method.charAt(0).toUpperCase()}${method.slice(1)}`;
      const correlationId = randomUUID();
      const started = now();
      const base = {
        contract: 'chirpstack',
        version: 'v4',
        operation,
        target: options.target,
        correlation_id: correlationId,
        ...(callOptions.subject ? { subject: callOptions.subject } : {}),
      };
      if (callOptions.mutating && readOnly) {
        const error = new ChirpStackReadOnlyError(
          'read_only',
          `chirpstack: ${operation} refused: the client is read-only (nothing was sent)`,
          { operation },
        );
        logger.warn({ ...base, outcome: 'refused', duration_ms: 0, attempt: 0 }, 'chirpstack call');
        throw error;
      }
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${await token()}`);
      metadata.set('x-correlation-id', correlationId);
      const span = options.tracer?.startSpan(`chirpstack.v4 ${operation}`, {
        kind: 2, // SpanKind.CLIENT
        attributes: {
          'rpc.system': 'grpc',
          'rpc.service': `api.${service}`,
          'rpc.method': operation.slice(service.length + 1),
          'server.address': options.target,
          'fieldops.contract': 'chirpstack.v4',
        },
      });
      const sc = span?.spanContext();
      if (sc && !/^0+$/.test(sc.traceId)) metadata.set('traceparent', `00-${sc.traceId}-${sc.spanId}-01`);
      let attempt = 0;
      for (;;) {
        attempt += 1;
        try {
          const response = (await once(clients[service], method, request, metadata)) as Res;
          logger.info({ ...base, outcome: 'ok', duration_ms: now() - started, attempt }, 'chirpstack call');
          span?.setAttribute('fieldops.attempts', attempt);
          span?.end();
          return response;
        } catch (raw) {
          const status = (raw as { code?: number }).code;
          const retryable = callOptions.idempotent !== false && isRetryableGrpc(status);
          const decision = decideRetry({ attempt, retryable }, retry, random);
          if (decision.retry) {
            await sleep(decision.delayMs);
            continue;
          }
          const error = errorFromGrpc(redactDetails(raw, callOptions.secrets), operation);
          span?.setAttribute('rpc.grpc.status_code', status ?? -1);
          span?.setStatus({ code: 2, message: error.code }); // SpanStatusCode.ERROR
          span?.end();
          logger.warn(
            { ...base, outcome: 'error', code: error.code, status, duration_ms: now() - started, attempt },
            'chirpstack call',
          );
          throw error;
        }
      }
    },
    close() {
      for (const c of Object.values(clients)) c.close();
    },
  };
}
