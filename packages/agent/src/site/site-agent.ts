import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  createCloudEventsHttpPublisher,
  createOutbox,
  migrate,
  type Outbox,
  type SqlDatabase,
} from '@fieldops/bus';
import type { NatsAuth } from '@fieldops/bus/nats';
import { type Logger, noopLogger } from '@fieldops/core';
import { createFileSyncState, createFleetSyncer } from '@fieldops/fleet';
import {
  createChirpStackClient,
  createHealthMonitor,
  integrationSecretRefsFromTemplate,
  keyRefsFromTemplate,
} from '@fieldops/sdk/chirpstack';
import { createRegistryClient } from '@fieldops/sdk/registry';
import { createBackendHealthMonitor } from '@fieldops/sdk/rfid';
import type { SecretResolver } from '@fieldops/sdk/secrets';
import { type Agent, type AgentService, createAgent } from '../agent.js';
import type { AgentConfig } from '../config.js';
import { serveHealthz } from '../healthz.js';
import { createObservedStateBatcher } from '../observed/batcher.js';
import { type AgentProducer, createIntervalProducer } from '../producer.js';
import { type CentralConnection, createCentralLink } from './central-link.js';
import { createFiringStore } from './firing-store.js';
import { type AgentSecrets, resolveAgentSecrets } from './resolve-secrets.js';

/** Options of {@link startSiteAgent}. */
export interface SiteAgentOptions {
  logger?: Logger;
  /** Resolves site.yaml's SecretRefs (default `createSecretResolverFromEnv()`). */
  secrets?: SecretResolver;
  /** More event sources (fleet sync, station health of an in-process RFID backend). */
  producers?: AgentProducer[];
  /**
   * The central bus link. Default: NATS JetStream at `central.nats` (none configured: events stay in
   * the outbox). The demo passes an in-process bus here.
   */
  central?: { describe: string; connect: () => Promise<CentralConnection> };
  /** The outbox database (default PGlite in `outbox.data_dir`). */
  db?: SqlDatabase;
  /** Serve /healthz (default true). */
  healthz?: boolean;
}

/** A running `fieldops-agent`. */
export interface SiteAgent {
  agent: Agent;
  outbox: Outbox;
  db: SqlDatabase;
  /** `http://host:port/healthz`, when served. */
  healthzUrl?: string;
  /** Graceful stop: MQTT, monitors and producers first, then the relay, then the outbox database. */
  stop(): Promise<void>;
}

async function openNats(
  servers: string | string[],
  auth: NatsAuth | undefined,
  logger: Logger,
): Promise<CentralConnection> {
  const { createJetStreamBus } = await import('@fieldops/bus/nats');
  const bus = await createJetStreamBus({
    servers,
    name: 'fieldops-agent',
    logger,
    ...(auth ? { auth } : {}),
  });
  let up = true;
  void (async () => {
    for await (const s of bus.connection.status()) {
      if (s.type === 'disconnect') up = false;
      else if (s.type === 'reconnect') up = true;
    }
  })().catch(() => {});
  return {
    publisher: bus.publisher,
    connected: () => up && !bus.connection.isClosed(),
    close: () => bus.close(),
  };
}

/** The central link site.yaml describes: NATS JetStream (`central.nats`), HTTP (`central.http`) or none. */
function centralFromConfig(
  config: AgentConfig,
  secrets: AgentSecrets,
  logger: Logger,
): { describe: string; connect: () => Promise<CentralConnection> } | undefined {
  const { nats, http } = config.central;
  if (nats) {
    const servers = [nats].flat();
    const auth = config.central.nats_auth;
    const how = !auth
      ? ''
      : auth.user
        ? ` as ${auth.user}`
        : auth.token
          ? ' with a token'
          : auth.nkey_seed
            ? ' with an nkey'
            : ' with creds';
    return {
      describe: `nats ${servers.join(',')}${how}`,
      connect: () => openNats(servers, secrets.natsAuth, logger),
    };
  }
  if (http) {
    const url = new URL(http.url);
    return {
      describe: `http ${url.origin}${url.pathname}`,
      connect: async () => {
        const publisher = createCloudEventsHttpPublisher({
          url: http.url,
          mode: http.mode,
          maxBatch: http.max_batch,
          timeoutMs: http.timeout_s * 1000,
          ...(secrets.centralHttpToken ? { token: secrets.centralHttpToken.reveal() } : {}),
          logger,
        });
        // "Connected" for HTTP: the last request reached the centre (a refused event is an answer too).
        let up = false;
        return {
          publisher: {
            async publishBatch(messages) {
              const outcomes = await publisher.publishBatch(messages);
              up = outcomes.some((o) => o.ok || o.permanent);
              return outcomes;
            },
            close: () => publisher.close(),
          },
          connected: () => up,
          close: () => publisher.close(),
        };
      },
    };
  }
  return undefined;
}

/**
 * Starts the site agent described by a validated site.yaml: the PGlite outbox in `outbox.data_dir`,
 * the relay to the central bus, the ChirpStack MQTT consumer, the ChirpStack health monitor, the RFID
 * backend health loop, the registry observed-state batcher, the producers, and `/healthz`.
 */
export async function startSiteAgent(
  config: AgentConfig,
  options: SiteAgentOptions = {},
): Promise<SiteAgent> {
  const logger = options.logger ?? noopLogger;
  const source = config.source ?? `/sites/${config.site_id}`;
  const secrets = await resolveAgentSecrets(config, options.secrets);
  let db = options.db;
  if (!db) {
    const { createPgliteDatabase } = await import('@fieldops/bus/pglite');
    mkdirSync(config.outbox.data_dir, { recursive: true });
    db = await createPgliteDatabase({ dataDir: config.outbox.data_dir });
  }
  const database = db;
  try {
    await migrate(database);
    const outbox = createOutbox({ db: database });

    const services: AgentService[] = [];
    const central = options.central ?? centralFromConfig(config, secrets, logger);
    if (central) services.push(createCentralLink({ db: database, outbox, ...central, logger }));
    else
      logger.warn(
        { operation: 'agent.central' },
        'no central bus configured (central.nats or central.http): events stay in the outbox',
      );

    let monitor: ReturnType<typeof createHealthMonitor> | undefined;
    let chirpstack: ReturnType<typeof createChirpStackClient> | undefined;
    if (config.chirpstack) {
      // The open gateway-offline assertions live beside the outbox and commit with their events.
      const firing = await createFiringStore(database, outbox);
      chirpstack = createChirpStackClient({
        target: config.chirpstack.target,
        apiToken: secrets.chirpstackToken as { reveal(): string },
        tls: config.chirpstack.tls,
        logger,
      });
      monitor = createHealthMonitor({
        client: chirpstack,
        tenantId: config.chirpstack.tenant_id,
        source: `${source}/chirpstack`,
        siteId: config.site_id,
        statsIntervalS: config.chirpstack.stats_interval_s,
        reassertIntervalMs: config.chirpstack.reassert_interval_s * 1000,
        heartbeatIntervalMs: config.heartbeat_interval_s * 1000,
        restoreFiring: await firing.load(),
        onEvent: (e) => firing.append(e),
        logger,
      });
    }

    const observed = config.registry
      ? createObservedStateBatcher({
          registry: createRegistryClient({
            baseUrl: config.registry.url,
            token: secrets.registryToken,
            logger,
          }),
          intervalMs: config.registry.flush_interval_s * 1000,
          logger,
        })
      : undefined;

    const producers: AgentProducer[] = [];
    if (config.rfid) {
      const rfid = createBackendHealthMonitor({
        baseUrl: config.rfid.backend_url,
        source: `${source}/rfid`,
        siteId: config.site_id,
        reassertIntervalMs: config.rfid.reassert_interval_s * 1000,
      });
      producers.push(
        createIntervalProducer({
          name: 'rfid-backend-health',
          intervalMs: config.rfid.check_interval_s * 1000,
          run: async () => {
            const e = await rfid.check();
            return e ? [e] : [];
          },
          onError: (error) =>
            logger.error({ operation: 'agent.rfid', err: String(error) }, 'RFID health round failed'),
        }),
      );
    }
    if (config.fleet_sync && chirpstack) {
      // Issue 16: this site's fleet to the centre, through the same outbox as every other event.
      const stateFile = resolve(config.fleet_sync.state_file);
      mkdirSync(dirname(stateFile), { recursive: true });
      const template = config.fleet_sync.key_ref_template;
      const integrationTemplate = config.fleet_sync.integration_secret_ref_template;
      const syncer = createFleetSyncer({
        client: chirpstack,
        siteId: config.site_id,
        tenantIds: [config.chirpstack!.tenant_id],
        state: createFileSyncState(stateFile),
        maxPerBatch: config.fleet_sync.max_per_batch,
        ...(template ? { keyRefs: keyRefsFromTemplate(template) } : {}),
        ...(integrationTemplate
          ? { integrationSecretRefs: integrationSecretRefsFromTemplate(integrationTemplate) }
          : {}),
      });
      producers.push(
        syncer.producer({
          intervalMs: config.fleet_sync.interval_s * 1000,
          onError: (error) =>
            logger.error({ operation: 'agent.fleet_sync', err: String(error) }, 'fleet sync round failed'),
        }),
      );
    }
    producers.push(...(options.producers ?? []));

    const agent = createAgent({
      config,
      sink: outbox,
      ...(secrets.mqttPassword !== undefined ? { mqttPassword: secrets.mqttPassword } : {}),
      ...(monitor ? { monitor } : {}),
      ...(observed ? { observed } : {}),
      services,
      producers,
      logger,
    });
    await agent.start();
    const healthz = options.healthz === false ? undefined : await serveHealthz(agent, config.http.listen);
    if (healthz) logger.info({ operation: 'agent.healthz', url: healthz.url }, 'serving /healthz');
    return {
      agent,
      outbox,
      db: database,
      ...(healthz ? { healthzUrl: healthz.url } : {}),
      async stop() {
        await healthz?.close();
        await agent.stop();
        chirpstack?.close();
        if (!options.db) await database.close();
      },
    };
  } catch (error) {
    if (!options.db) await database.close().catch(() => {});
    throw error;
  }
}
