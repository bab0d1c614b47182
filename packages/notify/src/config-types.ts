// The configuration as users write it: every type of `NotifyConfig`, and nothing else. Validation and
// the normalized form are in ./config.ts.
import type { Severity } from '@fieldops/contracts/notify/v1';
import type { Duration } from './duration.js';
import type { MatcherConfig } from './matchers/index.js';
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
  /**
   * Names of `time_intervals` during which non-critical notifications wait (`critical` goes through);
   * inherited by child routes. Quiet hours are fieldops' use of time intervals.
   */
  quiet_hours?: string[];
  /** Names of `time_intervals` during which this route sends nothing (Alertmanager; not inherited). */
  mute_time_intervals?: string[];
  /** Names of `time_intervals` outside which this route sends nothing (Alertmanager; not inherited). */
  active_time_intervals?: string[];
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

/**
 * A time range inside a day. Alertmanager's `start_time` / `end_time` (`HH:MM`, start before end, end
 * exclusive, `24:00` allowed); or fieldops' older `start` / `end`, where an end before the start wraps
 * past midnight (the morning part belongs to the next day).
 */
export interface TimeRangeConfig {
  start_time?: string;
  end_time?: string;
  start?: string;
  end?: string;
}

/**
 * One time interval (Alertmanager's `time_intervals` entry): every part given must contain the
 * instant; a part left out places no limit. Ranges are written `a:b` and are inclusive.
 */
export interface TimeIntervalConfig {
  times?: TimeRangeConfig[];
  /** `monday`…`sunday` (or `mon`…`sun`), ranges such as `monday:friday`; weeks run sunday..saturday. */
  weekdays?: string[];
  /** `1`…`31`, or negative from the end of the month (`-1` = last day), ranges such as `-7:-1`. */
  days_of_month?: (string | number)[];
  /** `january`…`december` (or `1`…`12`), ranges such as `january:march`. */
  months?: (string | number)[];
  /** Years or ranges such as `2026:2027`. */
  years?: (string | number)[];
  /** IANA time zone the interval is read in; UTC by default. */
  location?: string;
}

/** fieldops' form of a named set: `{ location?, intervals }` (the location is each interval's default). */
export interface TimeIntervalsConfig {
  location?: string;
  intervals: TimeIntervalConfig[];
}

/** Alertmanager's form of a named set: `{ name, time_intervals }`. */
export interface NamedTimeIntervalConfig {
  name: string;
  time_intervals: TimeIntervalConfig[];
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
  /**
   * Named time intervals, for `mute_time_intervals`, `active_time_intervals` and `quiet_hours`:
   * Alertmanager's list of `{ name, time_intervals }` or a record of `{ location?, intervals }` by name.
   */
  time_intervals?: NamedTimeIntervalConfig[] | Record<string, TimeIntervalsConfig>;
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
  /**
   * The dead-man's switch: a site whose agent heartbeats (`io.fieldops.site.agent.heartbeat.v1`) stop
   * for `missing_after` (default 3 × the interval the agent declares) raises `SiteHeartbeatMissing`,
   * which resolves when they return. Off when absent.
   */
  heartbeats?: HeartbeatConfig;
}

/** The dead-man's switch on site agent heartbeats. */
export interface HeartbeatConfig {
  /** Silence that raises the alert; default 3 × the agent's declared `interval_s`. */
  missing_after?: Duration;
  /** The alert's severity; default `critical`. */
  severity?: Severity;
  /**
   * Site ids watched from the engine's start, also before their first heartbeat: one that never sends
   * any raises `SiteHeartbeatMissing` after `missing_after` (required with this list).
   */
  expected_sites?: string[];
}
