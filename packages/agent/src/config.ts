import { SecretRef } from '@fieldops/contracts/secrets/v1';
import { z } from 'zod';

const secs = (what: string) => z.number().positive().meta({ description: what });

/** The `mqtt` section: what `deploy_compose_stack` renders as configuration/fieldops-agent/mqtt.yaml. */
export const AgentMqttConfig = z.strictObject({
  url: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, { error: 'expected an mqtt:// or mqtts:// URL' }),
  username: z.string().min(1).optional(),
  password: SecretRef.optional(),
  client_id: z.string().min(1).max(64).default('fieldops-agent'),
  application_topic_prefix: z.string().min(1).default('application'),
  /** ChirpStack's `[integration.mqtt] json`; informative: the consumer reads both encodings. */
  json: z.boolean().default(true),
  gateway_topic_prefixes: z.array(z.string().min(1)).default([]),
  include_payload: z.boolean().default(false),
});

const natsUrl = z.string().regex(/^((nats|tls):\/\/)?[^\s/:]+(:\d{1,5})?$/, {
  error: 'expected nats://host:port, tls://host:port or host:port',
});

/**
 * `central.nats_auth`: exactly one way to authenticate to the central NATS server, each secret a
 * SecretRef (https://docs.nats.io/running-a-nats-service/configuration/securing_nats/auth_intro).
 */
export const AgentNatsAuthConfig = z
  .strictObject({
    user: z.string().min(1).optional(),
    password: SecretRef.optional(),
    token: SecretRef.optional(),
    /** An NKey user seed (`SU…`), e.g. `file:/etc/fieldops/agent.nk`. */
    nkey_seed: SecretRef.optional(),
    /** A `.creds` file (user JWT + seed) for servers in operator mode, e.g. `file:/etc/fieldops/agent.creds`. */
    creds: SecretRef.optional(),
  })
  .superRefine((a, ctx) => {
    const modes = [a.user !== undefined || a.password !== undefined, a.token, a.nkey_seed, a.creds].filter(
      Boolean,
    ).length;
    if (modes !== 1)
      ctx.addIssue({
        code: 'custom',
        message: 'expected exactly one of user + password, token, nkey_seed or creds',
      });
    else if ((a.user === undefined) !== (a.password === undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'user and password go together',
        path: [a.user === undefined ? 'user' : 'password'],
      });
  });

/**
 * `central.http`: relay the outbox to the centre over HTTPS (the CloudEvents HTTP binding) for sites
 * whose link to the centre allows nothing else.
 */
export const AgentHttpRelayConfig = z.strictObject({
  /** The centre's CloudEvents ingest, e.g. `https://centre.example/bus/events`. */
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  /** Sent as `Authorization: Bearer …`. */
  token: SecretRef.optional(),
  /** `batched` (the JSON batch format, default) or `structured` (one event per request). */
  mode: z.enum(['batched', 'structured']).default('batched'),
  max_batch: z.int().min(1).max(1000).default(100),
  timeout_s: secs('per request timeout').default(10),
});

/** The `central` section: where the outbox relay sends events (NATS JetStream or HTTP), or nowhere. */
export const AgentCentralConfig = z
  .strictObject({
    /** NATS servers of the central bus (JetStream). Without them (or `http`) events stay in the outbox. */
    nats: z.union([natsUrl, z.array(natsUrl).min(1)]).optional(),
    nats_auth: AgentNatsAuthConfig.optional(),
    http: AgentHttpRelayConfig.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.nats !== undefined && c.http !== undefined)
      ctx.addIssue({ code: 'custom', message: 'expected nats or http, not both', path: ['http'] });
    if (c.nats_auth !== undefined && c.nats === undefined)
      ctx.addIssue({ code: 'custom', message: 'nats_auth needs central.nats', path: ['nats_auth'] });
  });

/** `site.yaml` of `fieldops-agent`. */
export const AgentConfig = z
  .strictObject({
    site_id: z.string().regex(/^site_[0-9a-z]+$/, { error: 'expected a site id (site_…)' }),
    /** CloudEvents source prefix (default `/sites/<site_id>`). */
    source: z.string().min(1).optional(),
    mqtt: AgentMqttConfig,
    chirpstack: z
      .strictObject({
        target: z.string().regex(/^[A-Za-z0-9.[\]:-]+:\d{1,5}$/, { error: 'expected host:port' }),
        api_token: SecretRef,
        tenant_id: z.string().min(1),
        tls: z.boolean().default(false),
        poll_interval_s: secs('gRPC poll interval').default(60),
        stats_interval_s: secs("the gateways' stats interval").default(30),
        reassert_interval_s: secs('re-send a firing condition this often').default(300),
      })
      .optional(),
    registry: z
      .strictObject({
        url: z.url(),
        token: SecretRef,
        flush_interval_s: secs('observed-state write interval').default(10),
      })
      .optional(),
    rfid: z
      .strictObject({
        /** The site's RFID backend; its `/api/v1/health` is read every `check_interval_s`. */
        backend_url: z.url(),
        check_interval_s: secs('RFID backend health check interval').default(30),
        reassert_interval_s: secs('re-send a degraded or down status this often').default(300),
      })
      .optional(),
    outbox: z
      .strictObject({
        /** PGlite data directory (the embedded default); the outbox survives restarts and central outages. */
        data_dir: z.string().min(1).default('./data/outbox'),
      })
      .default({ data_dir: './data/outbox' }),
    central: AgentCentralConfig.default({}),
    http: z
      .strictObject({
        listen: z
          .string()
          .regex(/^[^:]+:\d{1,5}$/)
          .default('127.0.0.1:9464'),
      })
      .default({ listen: '127.0.0.1:9464' }),
    /**
     * Publish this site's ChirpStack fleet to the centre (issue 16): each round sends what changed since
     * the last one (a full snapshot on first contact) through the outbox. Needs the `chirpstack` section.
     */
    fleet_sync: z
      .strictObject({
        interval_s: secs('fleet sync round interval').default(300),
        /** What was last sent (hashes, the epoch, pending batches); a restart resumes from it. */
        state_file: z.string().min(1).default('./data/fleet-sync.json'),
        /** SecretRef of each device's NwkKey, with `{dev_eui}` (e.g. `vault:kv/lorawan/{dev_eui}#nwk_key`). */
        key_ref_template: z
          .string()
          .includes('{dev_eui}', { error: 'expected a SecretRef template containing {dev_eui}' })
          .optional(),
        /**
         * SecretRef of each application integration secret (HTTP header values, tokens, keys,
         * credentials), with `{application}`, `{kind}` and `{field}` (`{tenant}` optional), e.g.
         * `vault:kv/chirpstack/{application}/{kind}#{field}`. Without it the backup holds only
         * fingerprints of those secrets and a restore cannot recreate the integrations.
         */
        integration_secret_ref_template: z
          .string()
          .refine((t) => ['{application}', '{kind}', '{field}'].every((p) => t.includes(p)), {
            error: 'expected a SecretRef template containing {application}, {kind} and {field}',
          })
          .refine(
            (t) =>
              SecretRef.safeParse(
                t
                  .replaceAll('{tenant}', 'tenant')
                  .replaceAll('{application}', 'sensors')
                  .replaceAll('{kind}', 'http')
                  .replaceAll('{field}', 'token'),
              ).success,
            {
              error:
                'expected a SecretRef template (env:NAME, file:path, vault:path#key or op://vault/item/field) once its {placeholders} are filled',
            },
          )
          .optional(),
        max_per_batch: z.int().min(1).max(5000).default(500),
      })
      .optional(),
    heartbeat_interval_s: secs('heartbeat interval').default(60),
  })
  .refine((c) => !c.fleet_sync || c.chirpstack, {
    error: 'fleet_sync publishes the ChirpStack fleet: it needs the chirpstack section',
    path: ['fleet_sync'],
  });
/** The parsed `site.yaml`. */
export type AgentConfig = z.output<typeof AgentConfig>;
