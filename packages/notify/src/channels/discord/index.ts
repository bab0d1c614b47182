import type { Message } from '@fieldops/contracts/notify/v1';
import type { DiscordChannelConfig } from '../../config.js';
import type { Channel, ChannelDeps, SendOptions, SendResult } from '../channel.js';
import { httpFailure, networkFailure, parseRetryAfter, resolveNamedWebhook } from '../channel.js';

/** Discord's content limit. */
export const DISCORD_MAX_CONTENT = 2000;

/** Escapes Discord markdown so alert text renders literally. */
export function escapeDiscord(text: string): string {
  return text.replace(/([\\*_~`|>#[\]()-])/g, '\\$1').replace(/@/g, '@\u200b');
}

/**
 * Discord's wait before retrying, in ms. The documented unit of `retry_after` is seconds (a float),
 * but milliseconds have been reported: the `X-RateLimit-Reset-After` / `Retry-After` headers (always
 * seconds) win when present; otherwise an integer of 1000 or more in the body is taken as ms.
 */
export function discordRetryAfterMs(body: unknown, headers: Headers, now: number): number | undefined {
  const resetAfter = headers.get('x-ratelimit-reset-after');
  if (resetAfter !== null && Number.isFinite(Number(resetAfter))) return Math.ceil(Number(resetAfter) * 1000);
  const header = parseRetryAfter(headers.get('retry-after'), now);
  if (header !== undefined) return header;
  const v = (body as { retry_after?: unknown })?.retry_after;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return undefined;
  return Number.isInteger(v) && v >= 1000 ? v : Math.ceil(v * 1000);
}

/** Discord webhooks: `POST {content, allowed_mentions}` with `?wait=true`; 429 with `retry_after`. */
export function createDiscordChannel(config: DiscordChannelConfig, deps: ChannelDeps): Channel {
  return {
    kind: 'discord',
    ratePerSecond: config.rate_per_second ?? 0.5,
    async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
      const webhook = await resolveNamedWebhook('discord', config.webhooks, message, deps.vault);
      if (!webhook.ok) return webhook;
      const url = webhook.url;
      url.searchParams.set('wait', 'true');
      let content = message.text;
      if (content.length > DISCORD_MAX_CONTENT) content = `${content.slice(0, DISCORD_MAX_CONTENT - 1)}…`;
      let res: Response;
      try {
        res = await deps.fetch(url, {
          method: 'POST',
          ...(options.signal ? { signal: options.signal } : {}),
          headers: { 'content-type': 'application/json' },
          // No pings from alert text, whatever it contains.
          body: JSON.stringify({ content, allowed_mentions: { parse: [] } }),
        });
      } catch (err) {
        return networkFailure(err, deps.vault);
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (res.ok) {
        const id = (body as { id?: unknown })?.id;
        return { ok: true, ...(typeof id === 'string' ? { provider_message_id: id } : {}) };
      }
      const msg = (body as { message?: unknown })?.message;
      return httpFailure(
        res.status,
        typeof msg === 'string' ? msg : `HTTP ${res.status}`,
        deps.vault,
        res.status === 429 ? discordRetryAfterMs(body, res.headers, deps.clock.now()) : undefined,
      );
    },
  };
}
