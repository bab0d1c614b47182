import { CHANNEL_KINDS, type ChannelKind, type Severity } from '@fieldops/contracts/notify/v1';
import { validateConfigContract } from './config-contract.js';
import type { NotifyConfig, ReceiverConfig, RouteConfig } from './config-types.js';
import { parseDuration } from './duration.js';
import { NotifyConfigError } from './errors.js';
import { type Matcher, parseMatchers } from './matchers/index.js';
import { compileTimeIntervals, type TimeInterval } from './stages/time-intervals.js';

export type {
  ContactConfig,
  DiscordChannelConfig,
  EmailChannelConfig,
  EscalationPolicyConfig,
  HeartbeatConfig,
  InhibitRuleConfig,
  NamedTimeIntervalConfig,
  NotifyConfig,
  ReceiverConfig,
  RetryConfig,
  RouteConfig,
  SlackChannelConfig,
  TemplateConfig,
  TimeIntervalConfig,
  TimeIntervalsConfig,
  TimeRangeConfig,
  WhatsAppChannelConfig,
} from './config-types.js';

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
  mute_time_intervals: string[];
  active_time_intervals: string[];
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
  /** Named time intervals, compiled. */
  timeIntervals: Map<string, TimeInterval[]>;
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
  /** The dead-man's switch on site agent heartbeats; undefined when off. */
  heartbeat: { missingAfter: number | undefined; severity: Severity; expectedSites: string[] } | undefined;
  raw: NotifyConfig;
}

/** Alertmanager's defaults. */
export const DEFAULT_ROUTE_OPTIONS = {
  group_by: [] as string[],
  group_wait: 30_000,
  group_interval: 300_000,
  repeat_interval: 4 * 3_600_000,
  send_resolved: true,
} as const;

/** Validates a configuration and resolves inheritance; throws NotifyConfigError naming the field. */
export function normalizeConfig(config: NotifyConfig): NormalizedConfig {
  validateConfigContract(config);
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

  const timeIntervals = compileTimeIntervals(config.time_intervals);

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
    const intervalNames = (key: string, names: string[] | undefined): string[] => {
      if (names === undefined) return [];
      if (!Array.isArray(names))
        throw new NotifyConfigError(`${field}.${key}: expected a list of time interval names`);
      names.forEach((n, i) => {
        if (!timeIntervals.has(n)) {
          throw new NotifyConfigError(
            `${field}.${key}[${i}]: undefined time interval ${JSON.stringify(n)} (define it in time_intervals)`,
          );
        }
      });
      return [...names];
    };
    if (rc.quiet_hours !== undefined) intervalNames('quiet_hours', rc.quiet_hours);
    const escalation = rc.escalation ?? parent?.escalation;
    if (escalation !== undefined && !policies.has(escalation)) {
      throw new NotifyConfigError(`${field}.escalation: unknown escalation policy ${escalation}`);
    }
    if (!parent) checkRootRoute(rc);
    const groupBy =
      rc.group_by !== undefined
        ? parseGroupBy(rc.group_by, `${field}.group_by`)
        : parent
          ? parent.group_by
          : DEFAULT_ROUTE_OPTIONS.group_by;
    const node: RouteNode = {
      id,
      matchers: parseMatchers(rc.matchers, `${field}.matchers`),
      continue: rc.continue ?? false,
      receiver,
      group_by: groupBy === 'all' ? 'all' : [...groupBy],
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
      // Not inherited, as in Alertmanager (dispatch/route.go: opts.MuteTimeIntervals = cr.MuteTimeIntervals).
      mute_time_intervals: intervalNames('mute_time_intervals', rc.mute_time_intervals),
      active_time_intervals: intervalNames('active_time_intervals', rc.active_time_intervals),
      escalation,
      send_resolved: rc.send_resolved ?? parent?.send_resolved ?? DEFAULT_ROUTE_OPTIONS.send_resolved,
      children: [],
    };
    // config.go Route.UnmarshalYAML: "group_interval cannot be zero", "repeat_interval cannot be zero".
    if (node.group_interval <= 0)
      throw new NotifyConfigError(`${field}.group_interval: expected more than 0`);
    if (node.repeat_interval <= 0)
      throw new NotifyConfigError(`${field}.repeat_interval: expected more than 0`);
    routes.set(id, node);
    node.children = (rc.routes ?? []).map((c, i) => build(c, node, `${id}.${i}`, `${field}.routes[${i}]`));
    return node;
  };
  if (!config.route) throw new NotifyConfigError('route: expected a root route');
  const root = build(config.route, undefined, '0', 'route');

  const inhibit = (config.inhibit_rules ?? []).map((r, i) => ({
    source: parseMatchers(r.source_matchers, `inhibit_rules[${i}].source_matchers`),
    target: parseMatchers(r.target_matchers, `inhibit_rules[${i}].target_matchers`),
    equal: parseLabelNames(r.equal ?? [], `inhibit_rules[${i}].equal`),
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
    heartbeat: heartbeatOf(config),
    raw: config,
  };
}

function heartbeatOf(config: NotifyConfig): NormalizedConfig['heartbeat'] {
  const h = config.heartbeats;
  if (!h) return undefined;
  const missingAfter =
    h.missing_after !== undefined ? parseDuration(h.missing_after, 'heartbeats.missing_after') : undefined;
  if (missingAfter !== undefined && missingAfter <= 0)
    throw new NotifyConfigError('heartbeats.missing_after: expected more than 0');
  const expectedSites = [...new Set(h.expected_sites ?? [])];
  // A site that never sent a heartbeat declared no interval: the silence it may keep must be configured.
  if (expectedSites.length > 0 && missingAfter === undefined)
    throw new NotifyConfigError(
      'heartbeats.expected_sites: needs heartbeats.missing_after (a site that never sent a heartbeat declared no interval)',
    );
  return { missingAfter, severity: h.severity ?? 'critical', expectedSites };
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

/** A label name as Prometheus and Alertmanager accept it in `group_by` and `equal`. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function parseLabelNames(list: readonly string[], field: string): string[] {
  if (!Array.isArray(list)) throw new NotifyConfigError(`${field}: expected a list of label names`);
  const seen = new Set<string>();
  list.forEach((l, i) => {
    if (typeof l !== 'string' || !LABEL_NAME.test(l)) {
      throw new NotifyConfigError(`${field}[${i}]: invalid label name ${JSON.stringify(l)}`);
    }
    if (seen.has(l)) throw new NotifyConfigError(`${field}[${i}]: duplicated label ${JSON.stringify(l)}`);
    seen.add(l);
  });
  return [...list];
}

/** `group_by` as Alertmanager validates it (config.go Route.UnmarshalYAML): `['...']` alone means every label. */
function parseGroupBy(list: readonly string[], field: string): readonly string[] | 'all' {
  if (!Array.isArray(list)) throw new NotifyConfigError(`${field}: expected a list of label names`);
  if (list.includes('...')) {
    if (list.length > 1) {
      throw new NotifyConfigError(
        `${field}: cannot have the wildcard '...' and other labels at the same time (write ['...'] alone)`,
      );
    }
    return 'all';
  }
  return parseLabelNames(list, field);
}

/** The root route is the fallback for every alert (config.go Load and Config.UnmarshalYAML). */
function checkRootRoute(rc: RouteConfig): void {
  if (rc.matchers !== undefined && rc.matchers.length > 0) {
    throw new NotifyConfigError(
      'route.matchers: the root route must not have matchers (it receives every alert); move them to a child route',
    );
  }
  if (rc.continue !== undefined && rc.continue !== false) {
    throw new NotifyConfigError('route.continue: the root route cannot have continue');
  }
  for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
    if (rc[key] !== undefined && rc[key].length > 0) {
      throw new NotifyConfigError(
        `route.${key}: the root route must not have ${key.replace(/_/g, ' ')}; set them on a child route`,
      );
    }
  }
}
