import { type ApiContract, type ApiOperation, safeParseContract } from '@fieldops/contracts';
import {
  type Clock,
  sleep as coreSleep,
  decideRetry,
  type Logger,
  noopLogger,
  parseRetryAfter,
  type RetryPolicy,
  retryPolicy,
  type Sleep,
  type Tracer,
  toClock,
} from '@fieldops/core';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { deprecationWarning } from './deprecation.js';
import { FieldopsHttpError, httpErrorFor, LanGuardError, NetworkError, TimeoutError } from './errors.js';
import { DEFAULT_RETRY, isRetryableHttp } from './retry.js';
import { type BearerTokenSource, redactText, resolveToken } from './token.js';
import { buildTraceparent, newTraceId, traceIdOf } from './traceparent.js';

/** How responses are checked against the contract: throw, log a warning, or not at all. */
export type ValidationMode = 'strict' | 'warn' | 'off';

/** A fetch that takes a Request (what openapi-fetch calls). */
export type FetchFn = (request: Request) => Promise<Response>;

/** Options shared by every HTTP client of the sdk. */
export interface TransportOptions {
  /** Origin (and optional path prefix) of the API, e.g. `http://10.0.0.5:8080`. */
  baseUrl: string;
  /** Bearer token: a string, a Secret (`reveal()`), or a function returning one (rotation). */
  token?: BearerTokenSource | undefined;
  /** Defaults to the global fetch, looked up on every call (so MSW can intercept it). */
  fetch?: FetchFn | undefined;
  /** pino-compatible; one line per call. Defaults to silent. */
  logger?: Logger | undefined;
  /** Retry settings (@fieldops/core's policy; missing fields from the defaults), or `false` for a single attempt. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /** Per-attempt timeout; default 30 s. */
  timeoutMs?: number | undefined;
  /** Check responses against the contract; default `strict`. */
  validateResponses?: ValidationMode | undefined;
  /** Waits between attempts; default @fieldops/core's abortable sleep. Inject to test backoff without waiting. */
  sleep?: Sleep | undefined;
  /** The clock (Retry-After dates, durations); default the system clock. */
  clock?: Clock | undefined;
  /** @deprecated Pass `clock`. Clock in ms. */
  now?: (() => number) | undefined;
  /** Random source in [0, 1); default Math.random (jitter, trace and key ids). */
  random?: (() => number) | undefined;
  /** openapi-fetch middleware applied to every attempt (request hooks in order, response hooks reversed). */
  middleware?: readonly Middleware[] | undefined;
  /** An OpenTelemetry tracer: one CLIENT span per call, its context sent as `traceparent`. None by default. */
  tracer?: Tracer | undefined;
}

/** What one attempt receives: headers to send (trace, idempotency key) and the abort signal. */
export interface AttemptInit {
  headers: Record<string, string>;
  signal: AbortSignal;
}

/** What one attempt returns: openapi-fetch's result. */
export interface AttemptResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Per-call options. */
export interface CallOptions {
  /** Used for every attempt; made once before the first attempt when the operation takes one. */
  idempotencyKey?: string | undefined;
  /** What the call is about (a device id, a station id), for the log line. */
  target?: string | undefined;
  /** Abort the call (all attempts). */
  signal?: AbortSignal | undefined;
  /** Continue an existing trace; its trace id becomes the correlation id. */
  traceparent?: string | undefined;
}

/** The outcome of a successful call. */
export interface CallResult<T> {
  data: T;
  response: Response;
  status: number;
  attempts: number;
  idempotencyKey: string | undefined;
}

/** The HTTP plumbing shared by RegistryClient and RfidClient. */
export interface Transport<Paths extends {}> {
  /** The typed openapi-fetch client; use it inside `call`'s attempt function. */
  readonly client: Client<Paths>;
  /** The operation table the transport follows. */
  readonly api: ApiContract;
  /** Runs one contract operation with retries, auth, tracing, logging and validation. */
  call<T>(
    operationId: string,
    attempt: (init: AttemptInit) => Promise<AttemptResult>,
    options?: CallOptions,
  ): Promise<CallResult<T>>;
}

function randomKey(random: () => number): string {
  let out = 'idk_';
  for (let i = 0; i < 24; i++) out += Math.floor(random() * 36).toString(36);
  return out;
}

function findOperation(api: ApiContract, method: string, schemaPath: string): ApiOperation | undefined {
  const m = method.toLowerCase();
  return api.operations.find((o) => o.method === m && o.path === schemaPath);
}

/** Creates the transport for one API contract (REGISTRY_API, RFID_API). */
export function createTransport<Paths extends {}>(
  api: ApiContract,
  options: TransportOptions,
): Transport<Paths> {
  const fetchImpl: FetchFn = options.fetch ?? ((r) => globalThis.fetch(r));
  const logger = options.logger ?? noopLogger;
  const retry = retryPolicy(options.retry, DEFAULT_RETRY);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const mode: ValidationMode = options.validateResponses ?? 'strict';
  const sleep = options.sleep ?? coreSleep;
  const clock = toClock(options.clock ?? options.now);
  const now = () => clock.now();
  const random = options.random ?? Math.random;
  const prefix = `@fieldops/sdk: ${api.point}.v${api.version}`;
  // Remembered only to scrub it from error messages, never logged.
  let lastToken: string | undefined;

  // Auth as a middleware: the token is resolved per attempt (rotation) and only set on operations
  // the contract marks as authenticated.
  const auth: Middleware = {
    async onRequest({ request, schemaPath }) {
      const op = findOperation(api, request.method, schemaPath);
      if (op?.auth === false) return undefined;
      const token = await resolveToken(options.token);
      if (!token) return undefined;
      lastToken = token;
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
  const client = createClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: (r) => fetchImpl(r),
  });
  client.use(
    auth,
    deprecationWarning(`${api.point}.v${api.version}`, options.logger),
    ...(options.middleware ?? []),
  );

  async function call<T>(
    operationId: string,
    attempt: (init: AttemptInit) => Promise<AttemptResult>,
    callOptions: CallOptions = {},
  ): Promise<CallResult<T>> {
    const op = api.operations.find((o) => o.operationId === operationId);
    if (!op) throw new TypeError(`${prefix}: unknown operation ${operationId}`);
    const takesKey = op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key') ?? false;
    // Made once, before the first attempt, and reused by every retry.
    const idempotencyKey = takesKey ? (callOptions.idempotencyKey ?? randomKey(random)) : undefined;
    const span = options.tracer?.startSpan(`${api.point}.v${api.version} ${op.operationId}`, {
      kind: 2, // SpanKind.CLIENT
      attributes: {
        'http.request.method': op.method.toUpperCase(),
        'url.template': op.path,
        'fieldops.contract': `${api.point}.v${api.version}`,
        'fieldops.operation': op.operationId,
      },
    });
    const spanContext = span?.spanContext();
    const spanTrace = spanContext && /^0+$/.test(spanContext.traceId) ? undefined : spanContext;
    const traceId = spanTrace?.traceId ?? traceIdOf(callOptions.traceparent) ?? newTraceId(random);
    const traceparent = () =>
      spanTrace ? `00-${spanTrace.traceId}-${spanTrace.spanId}-01` : buildTraceparent(traceId, random);
    const started = now();
    const base = {
      contract: api.point,
      version: api.version,
      operation: op.operationId,
      target: callOptions.target,
      method: op.method.toUpperCase(),
      path: op.path,
      correlation_id: traceId,
    };
    let attemptNo = 0;
    for (;;) {
      attemptNo += 1;
      const controller = new AbortController();
      const onCallerAbort = () => controller.abort(callOptions.signal?.reason);
      callOptions.signal?.addEventListener('abort', onCallerAbort, { once: true });
      if (callOptions.signal?.aborted) controller.abort(callOptions.signal.reason);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error('timeout'));
      }, timeoutMs);
      const headers: Record<string, string> = { traceparent: traceparent() };
      if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
      let error: FieldopsHttpError;
      let retryAfterMs: number | undefined;
      try {
        const result = await attempt({ headers, signal: controller.signal });
        const { response } = result;
        if (response.ok) {
          const data = validate<T>(op, response.status, result.data);
          log('info', { ...base, outcome: 'ok', status: response.status, attempt: attemptNo });
          return { data, response, status: response.status, attempts: attemptNo, idempotencyKey };
        }
        retryAfterMs = parseRetryAfter(response.headers.get('Retry-After'), now());
        error = httpErrorFor({
          prefix,
          status: response.status,
          operation: op.operationId,
          requestId: response.headers.get('X-Request-Id') ?? undefined,
          body: scrubBody(result.error),
          retryAfterMs,
        });
      } catch (cause) {
        // HTTP errors, contract failures and guard refusals are final: no retry.
        if (
          cause instanceof FieldopsHttpError ||
          cause instanceof LanGuardError ||
          isContractFailure(cause)
        ) {
          log('warn', {
            ...base,
            outcome: 'error',
            attempt: attemptNo,
            error_code: (cause as { code: string }).code,
          });
          throw cause;
        }
        if (callOptions.signal?.aborted) {
          log('warn', { ...base, outcome: 'aborted', attempt: attemptNo });
          throw callOptions.signal.reason;
        }
        const why = cause instanceof Error ? cause.message : String(cause);
        error = timedOut
          ? new TimeoutError({
              status: 0,
              code: 'timeout',
              operation: op.operationId,
              message: `${prefix} ${op.operationId}: no response within ${timeoutMs} ms`,
            })
          : new NetworkError({
              status: 0,
              code: 'network_error',
              operation: op.operationId,
              message: `${prefix} ${op.operationId}: network error: ${redactText(why, [lastToken])}`,
              cause,
            });
      } finally {
        clearTimeout(timer);
        callOptions.signal?.removeEventListener('abort', onCallerAbort);
      }
      const decision = decideRetry(
        {
          attempt: attemptNo,
          retryable: isRetryableHttp({
            idempotent: op.idempotent,
            status: error.status === 0 ? undefined : error.status,
            errorCode: error.code,
          }),
          retryAfterMs,
          aborted: callOptions.signal?.aborted ?? false,
        },
        retry,
        random,
      );
      if (!decision.retry) {
        log('warn', {
          ...base,
          outcome: 'error',
          status: error.status || undefined,
          error_code: error.code,
          attempt: attemptNo,
        });
        throw error;
      }
      const delay = decision.delayMs;
      logger.debug(
        {
          ...base,
          outcome: 'retry',
          status: error.status || undefined,
          error_code: error.code,
          attempt: attemptNo,
          delay_ms: delay,
        },
        `${api.point}.v${api.version} ${op.operationId} retrying`,
      );
      try {
        await sleep(delay, callOptions.signal);
      } catch (reason) {
        log('warn', { ...base, outcome: 'aborted', attempt: attemptNo });
        throw reason;
      }
    }

    function log(level: 'info' | 'warn', fields: Record<string, unknown>) {
      if (span) {
        if (typeof fields.status === 'number') span.setAttribute('http.response.status_code', fields.status);
        span.setAttribute('fieldops.attempts', Number(fields.attempt));
        if (fields.outcome !== 'ok')
          span.setStatus({ code: 2, message: String(fields.error_code ?? fields.outcome) });
        span.end();
      }
      logger[level](
        { ...fields, duration_ms: now() - started },
        `${api.point}.v${api.version} ${op!.operationId} ${String(fields.outcome)}`,
      );
    }
  }

  function validate<T>(op: ApiOperation, status: number, data: unknown): T {
    const schema = op.responses[status]?.body;
    if (mode === 'off' || !schema) return data as T;
    const result = safeParseContract(schema, data);
    if (result.success) return result.data as T;
    if (mode === 'strict') throw result.error;
    logger.warn(
      {
        contract: api.point,
        version: api.version,
        operation: op.operationId,
        outcome: 'invalid_response',
        issues: result.error.lines(),
      },
      `${api.point}.v${api.version} ${op.operationId} response does not match ${result.error.contract}`,
    );
    return data as T;
  }

  function scrubBody(body: unknown): FieldopsHttpError['body'] {
    if (body === undefined || body === null) return undefined;
    if (typeof body === 'string') return redactText(body, [lastToken]);
    return JSON.parse(redactText(JSON.stringify(body), [lastToken]));
  }

  return { client, api, call };
}

function isContractFailure(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { code?: unknown }).code === 'contract_invalid'
  );
}
