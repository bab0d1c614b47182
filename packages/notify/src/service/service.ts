import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, noopLogger } from '@fieldops/core';
import { parseDuration } from '../duration.js';
import { createNotifyEngine, type NotifyEngine } from '../engine.js';
import { NotifyConfigError } from '../errors.js';
import { toNodeListener } from '../http/node-listener.js';
import type { PreflightHandler } from '../http/preflight.js';
import { createDefaultSecretResolver, type SecretResolver, SecretVault } from '../secrets.js';
import { type BusConsumer, inboxDirectory, startBusConsumer } from './bus-consumer.js';
import type { LoadedConfigFile } from './config-file.js';
import { healthz, type ReadinessChecks, readyz } from './health.js';
import { collectSecretFields } from './secret-refs.js';
import { type OpenedStore, openServiceStore } from './store-factory.js';

/** What `startNotifyService` takes; only `file` is required. */
export interface NotifyServiceOptions {
  /** A validated notify.yaml (`loadConfigFile`). */
  file: LoadedConfigFile;
  /** Structured log lines (pino in the `fieldops-notify` bin); silent by default. */
  logger?: Logger;
  /** Resolves SecretRefs; `env:` and `file:` by default. */
  secrets?: SecretResolver;
  /** For the channels' HTTP calls (tests inject none: real sockets on loopback). */
  fetch?: typeof fetch;
  /** Opens the store (default: by `service.store`). */
  openStore?: (file: LoadedConfigFile, resolved: { url?: string }) => Promise<OpenedStore>;
  /** Called when this replica lost the engine lease (its engine has stopped): the bin exits so it restarts. */
  onLeaseLost?: (why: string) => void;
}

/** A running notify process: its address, its engine, readiness and a graceful stop. */
export interface NotifyService {
  /** `http://host:port` the API, the webhook and the probes are served on. */
  url: string;
  engine: NotifyEngine;
  /** The readiness checks as `/readyz` reports them. */
  checks(): ReadinessChecks;
  /**
   * Graceful stop: `/readyz` turns 503, no new connection is taken, deliveries in flight get
   * `service.shutdown_timeout` (default 10s) to finish, then the rest is aborted and the store closed.
   */
  close(): Promise<'drained' | 'timed_out'>;
}

/** Routes by path prefix; each handler keeps its own preflight (auth before any body byte). */
function byPath(
  routes: [prefix: string, handler: PreflightHandler][],
  fallback: PreflightHandler,
): PreflightHandler {
  const pick = (request: Request): PreflightHandler => {
    const path = new URL(request.url).pathname;
    return routes.find(([p]) => path === p || path.startsWith(`${p}/`))?.[1] ?? fallback;
  };
  const handler: PreflightHandler = (request) => pick(request)(request);
  handler.preflight = async (request) => pick(request).preflight?.(request);
  return handler;
}

function notFound(): Promise<Response> {
  return Promise.resolve(
    new Response(JSON.stringify({ error: { code: 'not_found', message: 'no such endpoint' } }), {
      status: 404,
      headers: { 'content-type': 'application/json' },
    }),
  );
}

/** Resolves every secret the file names now, so a missing one stops the start (naming its field), not a later send. */
async function resolveAllSecrets(file: LoadedConfigFile, vault: SecretVault): Promise<{ url?: string }> {
  const resolved: { url?: string } = {};
  for (const { path, input } of collectSecretFields(file.engine, file.service)) {
    try {
      const value = await vault.resolve(input, path);
      if (path === 'service.store.url') resolved.url = value;
    } catch (err) {
      throw new NotifyConfigError(
        `${file.path}: ${path}: ${(err as Error).message.replace(/^@fieldops\/notify: /, '')}`,
        err,
      );
    }
  }
  return resolved;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts notify as a service: resolves every secret, opens the store, starts the engine (pending work
 * resumes), and serves `/healthz`, `/readyz`, the HTTP API under `/notify`, Alertmanager's
 * `POST /api/v2/alerts`, and the signed WhatsApp
 * webhook at `/whatsapp/webhook` (when `app_secret` and `verify_token` are configured).
 */
export async function startNotifyService(options: NotifyServiceOptions): Promise<NotifyService> {
  const { file } = options;
  const logger = options.logger ?? noopLogger;
  // Checked before anything is opened: a nats bus needs a place for its inbox.
  if (file.service.bus?.kind === 'nats') inboxDirectory(file.service.bus, file.service.store);
  const resolver = options.secrets ?? createDefaultSecretResolver();
  const vault = new SecretVault(resolver);
  const resolved = await resolveAllSecrets(file, vault);
  const checks: ReadinessChecks = { config: true, store: false, bus: false };
  let stopping = false;

  const opened = await (
    options.openStore ??
    ((f, r) => openServiceStore(f.service.store, r, (t) => parseDuration(t, 'service.store.lease')))
  )(file, resolved);
  const engine = createNotifyEngine({
    config: file.engine,
    store: opened.store,
    logger,
    secrets: resolver,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(opened.lease ? { lease: opened.lease } : {}),
    ...(options.onLeaseLost ? { onLeaseLost: options.onLeaseLost } : {}),
  });

  const api = engine.apiHandler({
    basePath: '/notify',
    ...(file.service.api?.token ? { token: file.service.api.token } : {}),
    ...(file.service.api?.operators ? { operators: file.service.api.operators } : {}),
  });
  // Alertmanager's path at the root, so Prometheus and Grafana need no `path_prefix`.
  const alertmanager = engine.apiHandler({
    basePath: '',
    ...(file.service.api?.token ? { token: file.service.api.token } : {}),
    ...(file.service.api?.operators ? { operators: file.service.api.operators } : {}),
  });
  const wa = file.engine.channels.whatsapp;
  const routes: [string, PreflightHandler][] = [
    ['/notify', api],
    ['/api/v2/alerts', alertmanager],
  ];
  if (wa?.app_secret && wa.verify_token) routes.push(['/whatsapp/webhook', engine.whatsappWebhook()]);
  const probes: PreflightHandler = async (request) => {
    const path = new URL(request.url).pathname;
    if (request.method === 'GET' && path === '/healthz') return healthz();
    if (request.method === 'GET' && path === '/readyz') return readyz(checks, stopping);
    return notFound();
  };
  const server = createServer(toNodeListener(byPath(routes, probes)));
  const host = file.service.listen.host ?? '127.0.0.1';
  let address: AddressInfo;
  try {
    address = await listen(server, host, file.service.listen.port);
  } catch (err) {
    await opened.close();
    throw new NotifyConfigError(
      `service.listen: cannot listen on ${host}:${file.service.listen.port} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      err,
    );
  }
  // The probes answer while the engine loads (and, with replicas, while this one waits for the lease as
  // a standby): /healthz 200, /readyz 503 naming `store` until pending work has resumed here.
  logger.info(
    { component: 'notify.service', store: opened.describe, lease: opened.lease?.owner },
    'notify starting',
  );
  try {
    await engine.start();
  } catch (err) {
    server.closeAllConnections();
    await new Promise<void>((res) => server.close(() => res()));
    await opened.close();
    throw err;
  }
  checks.store = true;
  // `bus.kind: http` (the default): events arrive on POST /notify/events, nothing to connect.
  let consumer: BusConsumer | undefined;
  const busSection = file.service.bus;
  if (busSection?.kind === 'nats') {
    try {
      consumer = await startBusConsumer(busSection, { engine, storeSection: file.service.store, logger });
    } catch (err) {
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
      await engine.stop();
      await opened.close();
      throw err;
    }
  }
  checks.bus = true;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info(
    { component: 'notify.service', url, store: opened.describe, bus: consumer?.describe ?? 'http' },
    'notify ready',
  );

  const graceMs = parseDuration(file.service.shutdown_timeout ?? '10s', 'service.shutdown_timeout');
  let closing: Promise<'drained' | 'timed_out'> | undefined;
  return {
    url,
    engine,
    checks: () => ({ ...checks }),
    close() {
      closing ??= (async () => {
        stopping = true;
        logger.info({ component: 'notify.service', grace_ms: graceMs }, 'notify stopping');
        const serverClosed = new Promise<void>((res) => server.close(() => res()));
        server.closeIdleConnections();
        // No new event is taken from the bus; an unacked one is redelivered to the next process.
        await consumer?.close();
        const outcome = await engine.drain(graceMs);
        server.closeAllConnections();
        await serverClosed;
        await opened.close();
        logger.info({ component: 'notify.service', outcome }, 'notify stopped');
        return outcome;
      })();
      return closing;
    },
  };
}
