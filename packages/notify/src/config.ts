import { CHANNEL_KINDS, type ChannelKind } from '@fieldops/contracts/notify/v1';
import { type Duration, parseDuration } from './duration.js';
import { NotifyConfigError } from './errors.js';
import { type Matcher, type MatcherConfig, parseMatchers } from './matchers.js';
import type { SecretInput } from './secrets.js';
import type { ChannelAddress } from './types.js';

/** One node of the routing tree as written; children inherit every option they do not set. */
export interface RouteConfig {
  receiver?: string;
  /** Matched against the alert's labels plus `severity` (sources set `type`, `site`, `alertname`). */
  matchers?: (string | MatcherConfig)[];
  /** Keep looking at later siblings after this route matched. */
  continue?: boolean;
  /** Labels that make the group key; `['...']` groups by every label. */
  group_by?: string[];
  group_wait?: Duration;
  group_interval?: Duration;
  repeat_interval?: Duration;
  /** Names of `time_intervals` during which non-critical notifications wait. */
  quiet_hours?: string[];
  /** Name of an escalation policy started when an alert of this route is first notified. */
  escalation?: string;
  send_resolved?: boolean;
  routes?: RouteConfig[];
}

/** One person or team, reached through a failover chain of channel addresses (first = preferred). */
export interface ContactConfig {
  name: string;
  chain: ChannelAddress[];
}

/** A named set of contacts. */
export interface ReceiverConfig {
  name: string;
  contacts: ContactConfig[];
}

/** Inhibition: firing alerts matching `source_matchers` mute alerts matching `target_matchers` with equal `equal` labels. */
export interface InhibitRuleConfig {
  source_matchers: (string | MatcherConfig)[];
  target_matchers: (string | MatcherConfig)[];
  equal?: string[];
}

/** A time range inside a day, `HH:MM` to `HH:MM`; an end before the start wraps past midnight. */
export interface TimeRangeConfig {
  start: string;
  end: string;
}

/** A weekly time interval in an IANA time zone. */
export interface TimeIntervalConfig {
  /** `mon`…`sun`, or ranges such as `mon:fri`; all days when absent. */
  weekdays?: string[];
  /** All day when absent. */
  times?: TimeRangeConfig[];
}

/** A named set of time intervals in one IANA time zone. */
export interface TimeIntervalsConfig {
  location?: string;
  intervals: TimeIntervalConfig[];
}

/** An escalation policy: levels notified in turn while unacknowledged. */
export interface EscalationPolicyConfig {
  name: string;
  /** Level i is notified `delay` after level i-1 (level 0: after the first notification). */
  levels: { delay: Duration; receivers: string[] }[];
  /** How many times to run through the levels again after the last one (bounded). */
  loops?: number;
}

/** WhatsApp Cloud API channel settings. */
export interface WhatsAppChannelConfig {
  phone_number_id: string;
  token: SecretInput;
  api_version?: string;
  base_url?: string;
  /** Approved template used outside the 24-hour window; its body parameters are title, summary, ack code. */
  template: {
    name: string;
    language: string;
    /** How many body parameters ({{1}}…{{n}}) the approved template has; default 3 (title, summary, ack code). */
    body_parameters?: number;
  };
  /** Minimum gap between two messages to the same recipient (131056 pair rate limit is ~1 per 6 s). */
  recipient_gap?: Duration;
  rate_per_second?: number;
  /** Webhook messages and statuses older than this (their own timestamp) are ignored; default 1h. */
  webhook_max_age?: Duration;
  /** For the webhook receiver. */
  app_secret?: SecretInput;
  verify_token?: SecretInput;
}

/** SMTP channel settings (nodemailer). */
export interface EmailChannelConfig {
  host: string;
  port: number;
  secure?: boolean;
  /** Refuse to send without STARTTLS; default true, except for a loopback host (or `secure`). */
  require_tls?: boolean;
  ignore_tls?: boolean;
  auth?: { user: string; pass: SecretInput };
  from: string;
  rate_per_second?: number;
  timeout?: Duration;
}

/** Slack incoming webhooks by name (the URL is a secret: it carries the token). */
export interface SlackChannelConfig {
  webhooks: Record<string, SecretInput>;
  rate_per_second?: number;
}

/** Discord webhooks by name (the URL is a secret: it carries the token). */
export interface DiscordChannelConfig {
  webhooks: Record<string, SecretInput>;
  rate_per_second?: number;
}

/** Retry settings shared by every channel. */
export interface RetryConfig {
  /** Bound on one channel attempt (aborted and counted as a failed, retryable attempt); default 10s. */
  attempt_timeout?: Duration;
  max_attempts?: number;
  base_delay?: Duration;
  max_delay?: Duration;
}

/** Message templates (handlebars) for one event type or alertname. */
export interface TemplateConfig {
  title?: string;
  text?: string;
}

/** The whole engine configuration. */
export interface NotifyConfig {
  route: RouteConfig;
  receivers: ReceiverConfig[];
  inhibit_rules?: InhibitRuleConfig[];
  time_intervals?: Record<string, TimeIntervalsConfig>;
  escalation_policies?: EscalationPolicyConfig[];
  channels: {
    whatsapp?: WhatsAppChannelConfig;
    email?: EmailChannelConfig;
    slack?: SlackChannelConfig;
    discord?: DiscordChannelConfig;
  };
  retry?: RetryConfig;
  /** Keyed by event type (`io.fieldops.…v1`), alertname, or `default`. */
  templates?: Record<string, TemplateConfig>;
  /**
   * Most alerts held in memory (default 50,000). Past it, the oldest non-critical alerts are dropped
   * and one `NotifyAlertsDropped` meta-alert reports how many; critical alerts are never dropped.
   */
  max_alerts?: number;
  /** How long ingested event keys (`source` + `id`) are remembered; default 24h. */
  event_key_ttl?: Duration;
  /**
   * A firing alert that nothing has refreshed for this long counts as resolved (Alertmanager's
   * `resolve_timeout`), for sources with no resolving event (device inactive, battery low). Off when absent.
   */
  resolve_timeout?: Duration;
}

/** A route with options resolved (inherited) and matchers compiled. */
export interface RouteNode {
  /** Stable path id: `0`, `0.1`, `0.1.0`. */
  id: string;
  matchers: Matcher[];
  continue: boolean;
  receiver: string;
  group_by: string[] | 'all';
  group_wait: number;
  group_interval: number;
  repeat_interval: number;
  quiet_hours: string[];
  escalation: string | undefined;
  send_resolved: boolean;
  children: RouteNode[];
}

/** Compiled inhibit rule. */
export interface InhibitRule {
  source: Matcher[];
  target: Matcher[];
  equal: string[];
}

/** Compiled escalation policy. */
export interface EscalationPolicy {
  name: string;
  levels: { delay: number; receivers: string[] }[];
  loops: number;
}

/** The configuration after validation. */
export interface NormalizedConfig {
  root: RouteNode;
  routes: Map<string, RouteNode>;
  receivers: Map<string, ReceiverConfig>;
  inhibit: InhibitRule[];
  timeIntervals: Map<string, TimeIntervalsConfig>;
  policies: Map<string, EscalationPolicy>;
  retry: { maxAttempts: number; baseDelay: number; maxDelay: number };
  /** Bound on one channel attempt, in ms. */
  attemptTimeout: number;
  /** Webhook events older than this are ignored, in ms. */
  webhookMaxAge: number;
  /** Most alerts held in memory. */
  maxAlerts: number;
  eventKeyTtl: number;
  resolveTimeout: number | undefined;
  raw: NotifyConfig;
}

/** Alertmanager's defaults. */
export const DEFAULT_ROUTE_OPTIONS = {
  group_by: ['alertname'],
  group_wait: 30_000,
  group_interval: 300_000,
  repeat_interval: 4 * 3_600_000,
  send_resolved: true,
} as const;

/** Validates a configuration and resolves inheritance; throws NotifyConfigError naming the field. */
export function normalizeConfig(config: NotifyConfig): NormalizedConfig {
  const receivers = new Map<string, ReceiverConfig>();
  const configured = new Set<ChannelKind>(
    (Object.keys(config.channels ?? {}) as ChannelKind[]).filter((k) => config.channels[k] !== undefined),
  );
  (config.receivers ?? []).forEach((r, i) => {
    if (!r.name) throw new NotifyConfigError(`receivers[${i}].name: expected a name`);
    if (receivers.has(r.name))
      throw new NotifyConfigError(`receivers[${i}].name: duplicate receiver ${r.name}`);
    r.contacts.forEach((c, j) => {
      if (c.chain.length === 0) {
        throw new NotifyConfigError(`receivers[${i}].contacts[${j}].chain: expected at least one channel`);
      }
      c.chain.forEach((a, k) => {
        if (!(CHANNEL_KINDS as readonly string[]).includes(a.channel)) {
          throw new NotifyConfigError(
            `receivers[${i}].contacts[${j}].chain[${k}].channel: expected one of ${CHANNEL_KINDS.join(', ')}`,
          );
        }
        if (!configured.has(a.channel)) {
          throw new NotifyConfigError(
            `receivers[${i}].contacts[${j}].chain[${k}].channel: channel ${a.channel} is not configured in channels`,
          );
        }
        if (
          (a.channel === 'slack' || a.channel === 'discord') &&
          config.channels[a.channel]?.webhooks[a.to] === undefined
        ) {
          throw new NotifyConfigError(
            `receivers[${i}].contacts[${j}].chain[${k}].to: no ${a.channel} webhook named ${a.to}`,
          );
        }
      });
    });
    receivers.set(r.name, r);
  });

  const timeIntervals = new Map(Object.entries(config.time_intervals ?? {}));
  for (const [name, ti] of timeIntervals) {
    if (ti.location) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: ti.location });
      } catch {
        throw new NotifyConfigError(`time_intervals.${name}.location: unknown IANA time zone ${ti.location}`);
      }
    }
  }

  const policies = new Map<string, EscalationPolicy>();
  (config.escalation_policies ?? []).forEach((p, i) => {
    const levels = p.levels.map((l, j) => {
      for (const r of l.receivers) {
        if (!receivers.has(r)) {
          throw new NotifyConfigError(
            `escalation_policies[${i}].levels[${j}].receivers: unknown receiver ${r}`,
          );
        }
      }
      return {
        delay: parseDuration(l.delay, `escalation_policies[${i}].levels[${j}].delay`),
        receivers: l.receivers,
      };
    });
    const loops = p.loops ?? 0;
    if (!Number.isInteger(loops) || loops < 0 || loops > 100) {
      throw new NotifyConfigError(`escalation_policies[${i}].loops: expected an integer 0..100`);
    }
    policies.set(p.name, { name: p.name, levels, loops });
  });

  const routes = new Map<string, RouteNode>();
  const build = (rc: RouteConfig, parent: RouteNode | undefined, id: string, field: string): RouteNode => {
    const receiver = rc.receiver ?? parent?.receiver;
    if (!receiver) throw new NotifyConfigError(`${field}.receiver: the root route needs a receiver`);
    if (!receivers.has(receiver))
      throw new NotifyConfigError(`${field}.receiver: unknown receiver ${receiver}`);
    const quiet = rc.quiet_hours ?? parent?.quiet_hours ?? [];
    for (const q of quiet) {
      if (!timeIntervals.has(q))
        throw new NotifyConfigError(`${field}.quiet_hours: unknown time interval ${q}`);
    }
    const escalation = rc.escalation ?? parent?.escalation;
    if (escalation !== undefined && !policies.has(escalation)) {
      throw new NotifyConfigError(`${field}.escalation: unknown escalation policy ${escalation}`);
    }
    const groupBy =
      rc.group_by ?? (parent ? (parent.group_by === 'all' ? ['...'] : parent.group_by) : undefined);
    const node: RouteNode = {
      id,
      matchers: parseMatchers(rc.matchers, `${field}.matchers`),
      continue: rc.continue ?? false,
      receiver,
      group_by: groupBy?.includes('...') ? 'all' : (groupBy ?? [...DEFAULT_ROUTE_OPTIONS.group_by]),
      group_wait:
        rc.group_wait !== undefined
          ? parseDuration(rc.group_wait, `${field}.group_wait`)
          : (parent?.group_wait ?? DEFAULT_ROUTE_OPTIONS.group_wait),
      group_interval:
        rc.group_interval !== undefined
          ? parseDuration(rc.group_interval, `${field}.group_interval`)
          : (parent?.group_interval ?? DEFAULT_ROUTE_OPTIONS.group_interval),
      repeat_interval:
        rc.repeat_interval !== undefined
          ? parseDuration(rc.repeat_interval, `${field}.repeat_interval`)
          : (parent?.repeat_interval ?? DEFAULT_ROUTE_OPTIONS.repeat_interval),
      quiet_hours: quiet,
      escalation,
      send_resolved: rc.send_resolved ?? parent?.send_resolved ?? DEFAULT_ROUTE_OPTIONS.send_resolved,
      children: [],
    };
    if (node.group_interval <= 0)
      throw new NotifyConfigError(`${field}.group_interval: expected more than 0`);
    routes.set(id, node);
    node.children = (rc.routes ?? []).map((c, i) => build(c, node, `${id}.${i}`, `${field}.routes[${i}]`));
    return node;
  };
  if (!config.route) throw new NotifyConfigError('route: expected a root route');
  const root = build(config.route, undefined, '0', 'route');

  const inhibit = (config.inhibit_rules ?? []).map((r, i) => ({
    source: parseMatchers(r.source_matchers, `inhibit_rules[${i}].source_matchers`),
    target: parseMatchers(r.target_matchers, `inhibit_rules[${i}].target_matchers`),
    equal: r.equal ?? [],
  }));

  const maxAttempts = config.retry?.max_attempts ?? 4;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new NotifyConfigError('retry.max_attempts: expected an integer ≥ 1');
  }
  return {
    root,
    routes,
    receivers,
    inhibit,
    timeIntervals,
    policies,
    retry: {
      maxAttempts,
      baseDelay: parseDuration(config.retry?.base_delay ?? '1s', 'retry.base_delay'),
      maxDelay: parseDuration(config.retry?.max_delay ?? '5m', 'retry.max_delay'),
    },
    attemptTimeout: attemptTimeoutOf(config),
    maxAlerts: maxAlertsOf(config),
    webhookMaxAge: parseDuration(
      config.channels.whatsapp?.webhook_max_age ?? '1h',
      'channels.whatsapp.webhook_max_age',
    ),
    eventKeyTtl: parseDuration(config.event_key_ttl ?? '24h', 'event_key_ttl'),
    resolveTimeout:
      config.resolve_timeout !== undefined
        ? parseDuration(config.resolve_timeout, 'resolve_timeout')
        : undefined,
    raw: config,
  };
}

function attemptTimeoutOf(config: NotifyConfig): number {
  const ms = parseDuration(config.retry?.attempt_timeout ?? '10s', 'retry.attempt_timeout');
  if (ms <= 0) throw new NotifyConfigError('retry.attempt_timeout: expected more than 0');
  return ms;
}

function maxAlertsOf(config: NotifyConfig): number {
  const n = config.max_alerts ?? 50_000;
  if (!Number.isInteger(n) || n < 10) throw new NotifyConfigError('max_alerts: expected an integer ≥ 10');
  return n;
}
