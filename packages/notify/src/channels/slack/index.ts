import type { Message } from '@fieldops/contracts/notify/v1';
import type { SlackChannelConfig } from '../../config.js';
import type { Channel, ChannelDeps, SendOptions, SendResult } from '../channel.js';
import { httpFailure, networkFailure, parseRetryAfter, resolveNamedWebhook } from '../channel.js';
import { DeadWebhooks } from '../dead-webhooks.js';

/** Slack mrkdwn escaping: only `&`, `<` and `>` are control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack incoming webhooks: `POST {text}`, 200 `ok`; 429 carries `Retry-After` in seconds. */
export function createSlackChannel(config: SlackChannelConfig, deps: ChannelDeps): Channel {
  const dead = new DeadWebhooks();
  return {
    kind: 'slack',
    ratePerSecond: config.rate_per_second ?? 1,
    async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
      const webhook = await resolveNamedWebhook('slack', config.webhooks, message, deps.vault);
      if (!webhook.ok) return webhook;
      const url = webhook.url;
      if (dead.isDead(message.to, url.href)) {
        return {
          ok: false,
          retryable: false,
          code: 'webhook_dead',
          message: `slack webhook ${message.to} answered 404 (deleted); fix the configuration`,
        };
      }
      let res: Response;
      try {
        res = await deps.fetch(url, {
          method: 'POST',
          ...(options.signal ? { signal: options.signal } : {}),
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: message.text }),
        });
      } catch (err) {
        return networkFailure(err, deps.vault);
      }
      const text = await res.text().catch(() => '');
      if (res.status === 404) dead.markDead(message.to, url.href);
      if (res.ok) return { ok: true };
      return httpFailure(
        res.status,
        text || `HTTP ${res.status}`,
        deps.vault,
        parseRetryAfter(res.headers.get('retry-after'), deps.clock.now()),
      );
    },
  };
}
