import type { Message } from '@fieldops/contracts/notify/v1';
import type { WhatsAppChannelConfig } from '../../config.js';
import { parseDuration } from '../../duration.js';
import type { Channel, ChannelDeps, SendOptions, SendResult } from '../channel.js';
import { networkFailure } from '../channel.js';
import { classifyWhatsAppError, PAIR_RATE_GAP_MS } from './errors.js';
import { normalizePhone } from './window.js';

export { classifyWhatsAppError, PAIR_RATE_GAP_MS } from './errors.js';
export { CUSTOMER_SERVICE_WINDOW_MS, normalizePhone, WhatsAppWindows } from './window.js';

/** The Graph API version used when the configuration names none. */
export const DEFAULT_WHATSAPP_API_VERSION = 'v21.0';

/** The body of a Cloud API send: a template when the message has one, free text otherwise. */
export function buildWhatsAppBody(message: Message): Record<string, unknown> {
  const to = normalizePhone(message.to);
  if (message.template) {
    return {
      messaging_product: 'whatsapp',
      to,
      type: 'template',
      template: {
        name: message.template.name,
        language: { code: message.template.language },
        components: [
          {
            type: 'body',
            parameters: message.template.parameters.map((text) => ({ type: 'text', text })),
          },
        ],
      },
    };
  }
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'text',
    text: { preview_url: false, body: message.text },
  };
}

/** The WhatsApp Cloud API channel: `POST /{version}/{phone-number-id}/messages` with a bearer token. */
export function createWhatsAppChannel(config: WhatsAppChannelConfig, deps: ChannelDeps): Channel {
  const base = (config.base_url ?? 'https://graph.facebook.com').replace(/\/$/, '');
  const url = `${base}/${config.api_version ?? DEFAULT_WHATSAPP_API_VERSION}/${encodeURIComponent(config.phone_number_id)}/messages`;
  const gap =
    config.recipient_gap !== undefined
      ? parseDuration(config.recipient_gap, 'channels.whatsapp.recipient_gap')
      : PAIR_RATE_GAP_MS;
  return {
    kind: 'whatsapp',
    recipientGapMs: gap,
    // The Cloud API's default throughput is 80 messages/s per number; stay well below it.
    ratePerSecond: config.rate_per_second ?? 20,
    async send(message: Message, options: SendOptions = {}): Promise<SendResult> {
      const token = await deps.vault.resolve(config.token, 'channels.whatsapp.token');
      let res: Response;
      try {
        res = await deps.fetch(url, {
          method: 'POST',
          ...(options.signal ? { signal: options.signal } : {}),
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(buildWhatsAppBody(message)),
        });
      } catch (err) {
        return networkFailure(err, deps.vault);
      }
      const body: unknown = await res.json().catch(() => undefined);
      if (res.ok) {
        const id = (body as { messages?: { id?: unknown }[] })?.messages?.[0]?.id;
        return { ok: true, ...(typeof id === 'string' ? { provider_message_id: id } : {}) };
      }
      return classifyWhatsAppError(res.status, body, res.headers, deps.vault, deps.clock.now());
    },
  };
}
