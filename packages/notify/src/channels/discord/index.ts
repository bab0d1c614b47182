import type { Message } from '@fieldops/contracts/notify/v1';
import type { DiscordChannelConfig } from '../../config.js';
import { truncateCodePoints } from '../../text/truncate.js';
import type { Channel, ChannelDeps, SendOptions, SendResult } from '../channel.js';
import { httpFailure, networkFailure, parseRetryAfter, resolveNamedWebhook } from '../channel.js';
import { DeadWebhooks } from '../dead-webhooks.js';

/** Discord's content limit. */
export const DISCORD_MAX_CONTENT = 2000;

/** Escapes Discord markdown so alert text renders literally. */
export function escapeDiscord(text: string): string {
  return text.replace(/([\\*_~`|>#[\]()-])/g, '\\$1').replace(/@/g, '@\u200b');
}

/**
 * Discord's wait after a 429, in ms, by its documented rule
 * (https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit): the body's
 * `retry_after` is "the number of seconds to wait before submitting another request" (a float), and
 * the `Retry-After` header says the same in seconds. `X-RateLimit-Reset-After` is the bucket's reset,
 * not the wait for this 429, so it is used only when neither is present.
 */
export function discordRetryAfterMs(body: unknown, headers: Headers, now: number): number | undefined {
  const v = (body as { retry_after?: unknown })?.retry_after;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.ceil(v * 1000);
  const header = parseRetryAfter(headers.get('retry-after'), now);
  if (header !== undefined) return header;
  const resetAfter = Number(headers.get('x-ratelimit-reset-after') ?? Number.NaN);
  return Number.isFinite(resetAfter) && resetAfter >= 0 ? Math.ceil(resetAfter * 1000) : undefined;
}

/**
 * When a successful answer says the bucket is empty (`X-RateLimit-Remaining: 0`), the time (ms) the
 * next request may go: now + `X-RateLimit-Reset-After` seconds
 * (https://discord.com/developers/docs/topics/rate-limits#header-format).
 */
export function discordPauseUntil(headers: Headers, now: number): number | undefined {
  if (headers.get('x-ratelimit-remaining') !== '0') return undefined;
  const after = Number(headers.get('x-ratelimit-reset-after') ?? Number.NaN);
  return Number.isFinite(after) && after > 0 ? now + Math.ceil(after * 1000) : undefined;
}

/** Discord webhooks: `POST {content, allowed_mentions}` with `?wait=true`; 429 with `retry_after`. */
export function createDiscordChannel(config: DiscordChannelConfig, deps: ChannelDeps): Channel {
  const dead = new DeadWebhooks();
  const pausedUntil = new Map<string, number>();
  return {
    kind: 'discord',
    ratePerSecond: config.rate_per_second ?? 0.5,
    async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
      const webhook = await resolveNamedWebhook('discord', config.webhooks, message, deps.vault);
      if (!webhook.ok) return webhook;
      const url = webhook.url;
      const href = url.href;
      if (dead.isDead(message.to, href)) {
        return {
          ok: false,
          retryable: false,
          code: 'webhook_dead',
          message: `discord webhook ${message.to} answered 404 (deleted); fix the configuration`,
        };
      }
      // Paced by the bucket headers of the last answer: wait for the reset rather than earn a 429.
      const wait = (pausedUntil.get(href) ?? 0) - deps.clock.now();
      if (wait > 0) {
        return {
          ok: false,
          retryable: true,
          throttled: true,
          code: 'rate_limited',
          message: 'discord bucket empty',
          retry_after_ms: wait,
        };
      }
      url.searchParams.set('wait', 'true');
      const content = truncateCodePoints(message.text, DISCORD_MAX_CONTENT);
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
      const pause = discordPauseUntil(res.headers, deps.clock.now());
      if (pause !== undefined) pausedUntil.set(href, pause);
      else pausedUntil.delete(href);
      if (res.status === 404) dead.markDead(message.to, href);
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
