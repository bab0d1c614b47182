import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createDiscordChannel, discordRetryAfterMs } from '../../src/channels/discord/index.js';
import { createSlackChannel } from '../../src/channels/slack/index.js';
import { buildWhatsAppBody, createWhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { describeChannelKit, kitDeps, type ProviderAnswer } from '../support/channel-kit.js';
import { server, useMsw, WA_URL } from '../support/msw.js';

useMsw();

const message = {
  channel: 'whatsapp' as const,
  to: '+66 81 111 1111',
  text: 'Gateway gw-a235 is offline',
  group_key: '0:{}',
  alert_fingerprints: ['abc'],
};

const WA_CANARY = 'EAAG-canary-whatsapp-token-7f3e';
describeChannelKit({
  name: 'whatsapp',
  canary: WA_CANARY,
  message,
  make: (deps) =>
    createWhatsAppChannel(
      { phone_number_id: '1234567890', token: 'env:WA_TOKEN', template: { name: 't', language: 'en' } },
      deps,
    ),
  rateLimitWaitMs: 6_000,
  answer(kind: ProviderAnswer) {
    server.use(
      http.post(WA_URL, ({ request }) => {
        if (request.headers.get('authorization') !== `Bearer ${WA_CANARY}`)
          return new HttpResponse(null, { status: 401 });
        switch (kind) {
          case 'ok':
            return HttpResponse.json({ messages: [{ id: 'wamid.1' }] });
          case 'server_error':
            return HttpResponse.json(
              { error: { code: 131000, message: 'Something went wrong' } },
              { status: 500 },
            );
          case 'client_error':
            // The provider echoing the token back must not leak it.
            return HttpResponse.json(
              { error: { code: 190, message: `Invalid OAuth access token ${WA_CANARY}` } },
              { status: 401 },
            );
          case 'rate_limited':
            return HttpResponse.json(
              { error: { code: 131056, message: 'pair rate limit hit' } },
              { status: 400 },
            );
          case 'network_error':
            return HttpResponse.error();
        }
      }),
    );
  },
});

const SLACK_CANARY = 'https://hooks.slack.com/services/T000/B000/canarySlackSecret123';
describeChannelKit({
  name: 'slack',
  canary: SLACK_CANARY,
  message: { ...message, channel: 'slack', to: 'ops' },
  make: (deps) => createSlackChannel({ webhooks: { ops: 'env:SLACK_OPS' } }, deps),
  rateLimitWaitMs: 30_000,
  answer(kind) {
    server.use(
      http.post(SLACK_CANARY, () => {
        switch (kind) {
          case 'ok':
            return new HttpResponse('ok');
          case 'server_error':
            return new HttpResponse('internal_error', { status: 500 });
          case 'client_error':
            return new HttpResponse('invalid_payload', { status: 400 });
          case 'rate_limited':
            return new HttpResponse('rate_limited', { status: 429, headers: { 'retry-after': '30' } });
          case 'network_error':
            return HttpResponse.error();
        }
      }),
    );
  },
});

const DISCORD_CANARY = 'https://discord.com/api/webhooks/123/canaryDiscordToken456';
describeChannelKit({
  name: 'discord',
  canary: DISCORD_CANARY,
  message: { ...message, channel: 'discord', to: 'ops' },
  make: (deps) => createDiscordChannel({ webhooks: { ops: 'env:DISCORD_OPS' } }, deps),
  rateLimitWaitMs: 1_500,
  answer(kind) {
    server.use(
      http.post(DISCORD_CANARY, () => {
        switch (kind) {
          case 'ok':
            return HttpResponse.json({ id: '99' });
          case 'server_error':
            return HttpResponse.json({ message: 'oops' }, { status: 502 });
          case 'client_error':
            return HttpResponse.json({ message: 'Invalid Webhook Token', code: 50027 }, { status: 401 });
          case 'rate_limited':
            return HttpResponse.json(
              { message: 'You are being rate limited.', retry_after: 1.5, global: false },
              { status: 429 },
            );
          case 'network_error':
            return HttpResponse.error();
        }
      }),
    );
  },
});

describe('whatsapp body', () => {
  it('sends free text with digits-only recipient, or the template with body parameters', () => {
    expect(buildWhatsAppBody(message)).toMatchObject({
      to: '66811111111',
      type: 'text',
      text: { body: message.text },
    });
    expect(
      buildWhatsAppBody({
        ...message,
        template: { name: 'fieldops_alert', language: 'th', parameters: ['a', 'b', 'C0DE42'] },
      }),
    ).toMatchObject({
      type: 'template',
      template: {
        name: 'fieldops_alert',
        language: { code: 'th' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
              { type: 'text', text: 'C0DE42' },
            ],
          },
        ],
      },
    });
  });

  it('classifies 131047 as needing the template, 130429 as throttling', async () => {
    const deps = kitDeps('tok-12345');
    const ch = createWhatsAppChannel(
      {
        phone_number_id: '1234567890',
        token: { value: 'tok-12345' },
        template: { name: 't', language: 'en' },
      },
      deps,
    );
    server.use(
      http.post(WA_URL, () =>
        HttpResponse.json({ error: { code: 131047, message: 'Re-engagement message' } }, { status: 400 }),
      ),
    );
    expect(await ch.send(message)).toMatchObject({ ok: false, needs_template: true, retryable: false });
    server.use(
      http.post(WA_URL, () =>
        HttpResponse.json({ error: { code: 130429, message: 'Rate limit hit' } }, { status: 400 }),
      ),
    );
    expect(await ch.send(message)).toMatchObject({ ok: false, throttled: true, retryable: true });
  });
});

describe('discord retry_after units', () => {
  const h = (init: Record<string, string> = {}) => new Headers(init);
  it('reads retry_after as seconds (a float) as Discord documents, whatever its size', () => {
    // https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit: "retry_after
    // float: The number of seconds to wait before submitting another request."
    expect(discordRetryAfterMs({ retry_after: 1.5 }, h(), 0)).toBe(1500);
    expect(discordRetryAfterMs({ retry_after: 2 }, h(), 0)).toBe(2000);
    expect(discordRetryAfterMs({ retry_after: 2500 }, h(), 0)).toBe(2_500_000);
    // X-RateLimit-Reset-After is the bucket's reset, not this 429's wait.
    expect(discordRetryAfterMs({ retry_after: 64.57 }, h({ 'x-ratelimit-reset-after': '2.5' }), 0)).toBe(
      64_570,
    );
    expect(discordRetryAfterMs(undefined, h({ 'retry-after': '65' }), 0)).toBe(65_000);
    expect(discordRetryAfterMs(undefined, h({ 'x-ratelimit-reset-after': '2.5' }), 0)).toBe(2_500);
  });

  it('sends allowed_mentions with nothing parsed and truncates to 2000 characters', async () => {
    let body: { content: string; allowed_mentions: unknown } | undefined;
    let wait: string | null = null;
    server.use(
      http.post(DISCORD_CANARY, async ({ request }) => {
        wait = new URL(request.url).searchParams.get('wait');
        body = (await request.json()) as typeof body;
        return HttpResponse.json({ id: '1' });
      }),
    );
    const ch = createDiscordChannel({ webhooks: { ops: { value: DISCORD_CANARY } } }, kitDeps('x-unused'));
    expect(
      await ch.send({ ...message, channel: 'discord', to: 'ops', text: 'x'.repeat(3000) }),
    ).toMatchObject({ ok: true, provider_message_id: '1' });
    expect(wait).toBe('true');
    expect(body!.content).toHaveLength(2000);
    expect(body!.allowed_mentions).toEqual({ parse: [] });
  });
});
