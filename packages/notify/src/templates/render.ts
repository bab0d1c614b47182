import type { ChannelKind } from '@fieldops/contracts/notify/v1';
import Handlebars from 'handlebars';
import { escapeDiscord } from '../channels/discord/index.js';
import { escapeSlack } from '../channels/slack/index.js';
import type { TemplateConfig } from '../config.js';
import { NotifyConfigError } from '../errors.js';
import type { NotificationData } from '../notification.js';
import { DEFAULT_NOTICE_TEMPLATES, DEFAULT_TEMPLATE, DEFAULT_TEMPLATES } from './defaults.js';

/** What a renderer makes for one channel. */
export interface RenderedMessage {
  title: string;
  text: string;
  /** WhatsApp template body parameters: title, summary, ack code. */
  parameters: string[];
}

/** Escapes untrusted text (labels, annotations) for one channel; template text itself is not escaped. */
export const CHANNEL_ESCAPERS: Record<ChannelKind, (text: string) => string> = {
  whatsapp: (t) => t,
  // The HTML part is escaped when the email is built; the text part is plain.
  email: (t) => t,
  slack: escapeSlack,
  discord: escapeDiscord,
};

function escapeDeep(value: unknown, esc: (t: string) => string): unknown {
  if (typeof value === 'string') return esc(value);
  if (Array.isArray(value)) return value.map((v) => escapeDeep(v, esc));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = escapeDeep(v, esc);
    return out;
  }
  return value;
}

/** WhatsApp template parameters may not hold newlines, tabs or more than four spaces in a row. */
export function sanitizeTemplateParameter(text: string, max = 1024): string {
  const flat = text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/ {4,}/g, '   ')
    .trim();
  return (flat.length > max ? `${flat.slice(0, max - 1)}…` : flat) || '-';
}

/** Renders notifications with handlebars templates chosen by event type, alertname or `default`. */
export class MessageRenderer {
  private readonly hb = Handlebars.create();
  private readonly cache = new Map<string, Handlebars.TemplateDelegate>();

  constructor(
    private readonly templates: Record<string, TemplateConfig> = {},
    /** How many alerts a message lists (the rest are counted); default 20. */
    private readonly maxAlerts = 20,
  ) {
    this.hb.registerHelper('upper', (s: unknown) => String(s ?? '').toUpperCase());
    this.hb.registerHelper('join', (a: unknown, sep: unknown) =>
      Array.isArray(a) ? a.join(typeof sep === 'string' ? sep : ', ') : '',
    );
    // Compile every configured template now so a syntax error fails at startup, naming the template.
    for (const [key, t] of Object.entries(templates)) {
      for (const part of ['title', 'text'] as const) {
        const src = t[part];
        if (src === undefined) continue;
        try {
          this.compile(src);
          this.hb.precompile(src);
        } catch (err) {
          throw new NotifyConfigError(`templates.${key}.${part}: ${(err as Error).message.split('\n')[0]}`);
        }
      }
    }
  }

  private compile(src: string): Handlebars.TemplateDelegate {
    let t = this.cache.get(src);
    if (!t) {
      t = this.hb.compile(src, { noEscape: true, strict: false });
      this.cache.set(src, t);
    }
    return t;
  }

  private pick(
    part: 'title' | 'text',
    type: string | undefined,
    alertname: string,
    notice: NotificationData['notice'],
  ): string {
    if (notice) {
      return this.templates[`notice.${notice.event}`]?.[part] ?? DEFAULT_NOTICE_TEMPLATES[notice.event][part];
    }
    return (
      (type ? this.templates[type]?.[part] : undefined) ??
      this.templates[alertname]?.[part] ??
      (type ? DEFAULT_TEMPLATES[type]?.[part] : undefined) ??
      this.templates.default?.[part] ??
      DEFAULT_TEMPLATE[part]
    );
  }

  /** Renders a notification for one channel. */
  render(data: NotificationData, channel: ChannelKind): RenderedMessage {
    const first = data.alerts[0];
    const alertname = data.group_labels.alertname ?? first?.labels.alertname ?? 'Alert';
    const type = first?.labels.type;
    const site = data.group_labels.site ?? first?.labels.site;
    const firing = data.alerts.filter((a) => a.status === 'firing');
    const ctx = {
      ...data,
      alertname,
      type,
      site,
      resolved_only: firing.length === 0,
      firing_count: firing.length,
      resolved_count: data.alerts.length - firing.length,
      escalation: data.escalation
        ? { ...data.escalation, level_number: data.escalation.level + 1 }
        : undefined,
      // A phone screen (and WhatsApp's 4096 characters) holds a few alerts, not hundreds: the first
      // `maxAlerts`, firing first, and a count of the rest.
      alerts: [...firing, ...data.alerts.filter((a) => a.status !== 'firing')]
        .slice(0, this.maxAlerts)
        .map((a) => ({
          ...a,
          firing: a.status === 'firing',
          summary: a.annotations.summary ?? a.labels.alertname ?? a.fingerprint,
        })),
      more_count: Math.max(0, data.alerts.length - this.maxAlerts),
    };
    const esc = CHANNEL_ESCAPERS[channel];
    const safe = escapeDeep(ctx, esc) as Record<string, unknown>;
    const title = this.compile(this.pick('title', type, alertname, data.notice))(safe).trim();
    const text = this.compile(this.pick('text', type, alertname, data.notice))({ ...safe, title })
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    const firstSummary = ctx.alerts[0]?.summary;
    const summary =
      data.alerts.length > 1 ? `${firstSummary} (+${data.alerts.length - 1} more)` : (firstSummary ?? title);
    return {
      title,
      text,
      parameters: [
        sanitizeTemplateParameter(title),
        sanitizeTemplateParameter(summary),
        data.ack_code ?? '-',
      ],
    };
  }
}
