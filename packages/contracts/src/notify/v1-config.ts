// The notify configuration as a contract. Two documents share one shape:
// - `notify.v1.Config`: what the engine takes (in code, a secret may also be an inline `{ value }`);
// - `notify.v1.ConfigFile`: what `fieldops-notify --config notify.yaml` reads: the same plus a
//   `service` section, and every secret a SecretRef (a file never holds a token).
// Every object is strict: an unknown key is an error naming its path, not ignored. Rules that need
// the whole document (a receiver naming an unconfigured channel, matcher syntax, durations that must
// be > 0) are checked by the engine's `normalizeConfig` after this.
import { z } from 'zod';
import { port } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import { SecretRef } from '../secrets/v1.js';
import { ChannelKind } from './v1-kinds.js';

const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

const duration = () =>
  z
    .union([
      z.number().nonnegative(),
      z.string().regex(DURATION, { error: 'expected a duration such as 30s, 5m or 1h30m' }),
    ])
    .meta({ description: 'Milliseconds, or a Prometheus-style duration: `30s`, `5m`, `1h30m`, `2d`.' });

const name = (what: string) =>
  z
    .string()
    .min(1, { error: `expected ${what}` })
    .max(200);

const matcher = () =>
  z.union([
    z.string().min(1).max(2000),
    z.strictObject({
      name: z.string().min(1).max(200),
      op: z.enum(['=', '!=', '=~', '!~']).optional(),
      value: z.string().max(2000),
    }),
  ]);

type Secret = z.ZodType<string | { value: string }, string | { value: string }>;

/** A secret in code: a SecretRef or an inline `{ value }`. */
const codeSecret: Secret = z.union([SecretRef, z.strictObject({ value: z.string().min(1) })]);
/** A secret in a file: a SecretRef only. */
const fileSecret: Secret = SecretRef;

interface RouteShape {
  receiver?: string;
  matchers?: (string | { name: string; op?: '=' | '!=' | '=~' | '!~'; value: string })[];
  continue?: boolean;
  group_by?: string[];
  group_wait?: number | string;
  group_interval?: number | string;
  repeat_interval?: number | string;
  quiet_hours?: string[];
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  escalation?: string;
  send_resolved?: boolean;
  routes?: RouteShape[];
}

const route: z.ZodType<RouteShape, RouteShape> = z.lazy(() =>
  z.strictObject({
    receiver: name('a receiver name').optional(),
    matchers: z.array(matcher()).optional(),
    continue: z.boolean().optional(),
    group_by: z.array(z.string().min(1).max(200)).optional(),
    group_wait: duration().optional(),
    group_interval: duration().optional(),
    repeat_interval: duration().optional(),
    quiet_hours: z.array(name('a time interval name')).optional(),
    mute_time_intervals: z.array(name('a time interval name')).optional(),
    active_time_intervals: z.array(name('a time interval name')).optional(),
    escalation: name('an escalation policy name').optional(),
    send_resolved: z.boolean().optional(),
    routes: z.array(route).optional(),
  }),
);

const address = z.strictObject({ channel: ChannelKind, to: z.string().min(1).max(320) });

function channels(secret: Secret) {
  return z.strictObject({
    whatsapp: z
      .strictObject({
        phone_number_id: z.string().regex(/^\d{1,32}$/, { error: 'expected the numeric phone number id' }),
        token: secret,
        api_version: z
          .string()
          .regex(/^v\d+\.\d+$/)
          .optional(),
        base_url: z.url().optional(),
        template: z
          .strictObject({
            name: z.string().min(1).max(512),
            language: z.string().min(2).max(15),
            body_parameters: z.int().min(0).max(20).optional(),
          })
          .meta({
            description:
              'Approved template sent outside the 24-hour window; WhatsApp refuses free text there, so it is required.',
          }),
        recipient_gap: duration().optional(),
        rate_per_second: z.number().positive().optional(),
        webhook_max_age: duration().optional(),
        app_secret: secret.optional(),
        verify_token: secret.optional(),
      })
      .optional(),
    email: z
      .strictObject({
        host: z.string().min(1).max(253),
        port: port(),
        secure: z.boolean().optional(),
        require_tls: z.boolean().optional(),
        ignore_tls: z.boolean().optional(),
        auth: z.strictObject({ user: z.string().min(1), pass: secret }).optional(),
        from: z.string().min(3).max(320),
        rate_per_second: z.number().positive().optional(),
        timeout: duration().optional(),
      })
      .optional(),
    slack: z
      .strictObject({
        webhooks: z.record(z.string().min(1).max(200), secret),
        rate_per_second: z.number().positive().optional(),
      })
      .optional(),
    discord: z
      .strictObject({
        webhooks: z.record(z.string().min(1).max(200), secret),
        rate_per_second: z.number().positive().optional(),
      })
      .optional(),
  });
}

const hhmm = () => z.string().regex(/^\d{2}:\d{2}$/, { error: 'expected HH:MM' });
const rangeList = () => z.array(z.union([z.string().min(1).max(40), z.int()]));

// One interval as Alertmanager writes it (every part given must contain the instant); the engine
// checks the ranges themselves (names, order, 24:00) and names the path.
const timeInterval = () =>
  z.strictObject({
    times: z
      .array(
        z.strictObject({
          start_time: hhmm().optional(),
          end_time: hhmm().optional(),
          start: hhmm().optional(),
          end: hhmm().optional(),
        }),
      )
      .optional(),
    weekdays: z.array(z.string().min(1).max(40)).optional(),
    days_of_month: rangeList().optional(),
    months: rangeList().optional(),
    years: rangeList().optional(),
    location: z.string().min(1).max(100).optional(),
  });

const timeIntervals = () =>
  z.union([
    z.array(z.strictObject({ name: name('a time interval name'), time_intervals: z.array(timeInterval()) })),
    z.record(
      z.string().min(1).max(200),
      z.strictObject({ location: z.string().min(1).max(100).optional(), intervals: z.array(timeInterval()) }),
    ),
  ]);

function configShape(secret: Secret) {
  return {
    route,
    receivers: z.array(
      z.strictObject({
        name: name('a receiver name'),
        contacts: z.array(
          z.strictObject({
            name: name('a contact name'),
            chain: z.array(address).min(1, { error: 'expected at least one channel' }),
          }),
        ),
      }),
    ),
    inhibit_rules: z
      .array(
        z.strictObject({
          source_matchers: z.array(matcher()),
          target_matchers: z.array(matcher()),
          equal: z.array(z.string().min(1)).optional(),
        }),
      )
      .optional(),
    time_intervals: timeIntervals().optional(),
    escalation_policies: z
      .array(
        z.strictObject({
          name: name('a policy name'),
          levels: z.array(z.strictObject({ delay: duration(), receivers: z.array(name('a receiver name')) })),
          loops: z.int().min(0).max(100).optional(),
        }),
      )
      .optional(),
    channels: channels(secret),
    retry: z
      .strictObject({
        attempt_timeout: duration().optional(),
        max_attempts: z.int().min(1).max(100).optional(),
        base_delay: duration().optional(),
        max_delay: duration().optional(),
      })
      .optional(),
    templates: z
      .record(
        z.string().min(1).max(300),
        z.strictObject({
          title: z.string().max(10_000).optional(),
          text: z.string().max(100_000).optional(),
        }),
      )
      .optional(),
    max_alerts: z.int().min(10).optional(),
    event_key_ttl: duration().optional(),
    resolve_timeout: duration().optional(),
    heartbeats: z
      .strictObject({
        missing_after: duration().optional().meta({
          description:
            'A site whose agent heartbeat (io.fieldops.site.agent.heartbeat.v1) stops for this long raises SiteHeartbeatMissing; default 3 × the interval the agent declares.',
        }),
        severity: z
          .enum(['critical', 'warning', 'info'])
          .optional()
          .meta({ description: 'Default critical.' }),
        expected_sites: z.array(z.string().min(1).max(200)).max(100_000).optional().meta({
          description:
            'Sites watched from the start, also before their first heartbeat (one that never sends any raises SiteHeartbeatMissing after missing_after); needs missing_after.',
        }),
      })
      .optional()
      .meta({ description: "The dead-man's switch on site agent heartbeats; off when absent." }),
  };
}

/** The engine configuration (`NotifyEngineOptions.config`): routes, receivers, channels, escalation. */
export const Config = defineContract(
  'notify',
  1,
  'Config',
  z.strictObject(configShape(codeSecret)),
  'The notifications engine configuration; secrets as SecretRefs or inline { value }.',
);
export type Config = z.input<typeof Config>;

const listen = z.strictObject({
  host: z.string().min(1).max(253).optional().meta({ description: 'Default 127.0.0.1.' }),
  port: z.int().min(0).max(65535).meta({ description: '0 = any free port (printed on start).' }),
});

const store = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('memory') })
    .meta({ description: 'Nothing survives a restart: tests only.' }),
  z.strictObject({
    kind: z.literal('pglite'),
    path: z.string().min(1).max(4096).meta({ description: 'Data directory (relative to the config file).' }),
  }),
  z.strictObject({
    kind: z.literal('postgres'),
    url: SecretRef.meta({ description: 'The connection string (it holds a password): a SecretRef.' }),
    lease: duration().optional().meta({
      description: 'How long a replica holds claimed work; another replica takes it over after this.',
    }),
  }),
]);

const bus = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('http') }).meta({
    description: 'Events arrive over HTTP only (`POST /notify/events`, e.g. from an embedded outbox relay).',
  }),
  z.strictObject({
    kind: z.literal('nats'),
    servers: z.array(z.string().min(1).max(300)).min(1),
    durable: z
      .string()
      .regex(/^[a-z0-9_-]{1,64}$/)
      .optional()
      .meta({ description: 'Durable consumer name; default `notify`.' }),
    inbox: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .meta({ description: 'PGlite data directory of the consumer inbox; default <store path>/inbox.' }),
  }),
]);

const service = z.strictObject({
  listen,
  api: z
    .strictObject({
      token: SecretRef.optional(),
      operators: z.record(z.string().min(1).max(100), SecretRef).optional(),
    })
    .optional(),
  store,
  bus: bus.optional(),
  shutdown_timeout: duration()
    .optional()
    .meta({ description: 'How long SIGTERM waits for deliveries in flight; default 10s.' }),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** The file `fieldops-notify --config notify.yaml` reads: the engine configuration plus `service`. */
export const ConfigFile = defineContract(
  'notify',
  1,
  'ConfigFile',
  z.strictObject({
    version: z.literal(1).meta({ description: 'The version of this file format.' }),
    service,
    ...configShape(fileSecret),
  }),
  'notify.yaml for the fieldops-notify process; secrets only as SecretRefs.',
);
export type ConfigFile = z.input<typeof ConfigFile>;
