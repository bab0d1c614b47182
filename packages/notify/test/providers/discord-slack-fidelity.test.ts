import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { createDiscordChannel } from '../../src/channels/discord/index.js';
import { createSlackChannel } from '../../src/channels/slack/index.js';
import { kitDeps } from '../support/channel-kit.js';
import { server, useMsw } from '../support/msw.js';

// Issue 21 items 3 and 4: Discord and Slack webhooks as their documentation says.

useMsw();

const DISCORD = 'https://discord.com/api/webhooks/123/discordFidelityToken';
const SLACK = 'https://hooks.slack.com/services/T000/B000/slackFidelityToken';
const msg = (channel: 'discord' | 'slack', text = 'hello') => ({
  channel,
  to: 'ops',
  text,
  group_key: 'g',
  alert_fingerprints: ['f'],
});

/** Discord's limit: "content string the message contents (up to 2000 characters)"
 * (https://discord.com/developers/docs/resources/webhook#execute-webhook); the mock refuses more with
 * 400 and code 50035 "Invalid Form Body", as the API does. */
function strictDiscord(onPost: (body: { content: string }) => Response | undefined = () => undefined) {
  let calls = 0;
  server.use(
    http.post(DISCORD, async ({ request }) => {
      calls++;
      const body = (await request.json()) as { content: string };
      if ([...body.content].length > 2000 || /[\ud800-\udbff](?![\udc00-\udfff])/.test(body.content)) {
        return HttpResponse.json({ message: 'Invalid Form Body', code: 50035 }, { status: 400 });
      }
      return onPost(body) ?? HttpResponse.json({ id: String(calls) });
    }),
  );
  return () => calls;
}

describe('Discord', () => {
  it('truncates on a code-point boundary: an emoji at the cut is never split', async () => {
    let sent = '';
    strictDiscord((b) => {
      sent = b.content;
      return undefined;
    });
    const ch = createDiscordChannel({ webhooks: { ops: { value: DISCORD } } }, kitDeps('x'));
    // 1998 ASCII characters then emoji: the old cut at 1999 units split the surrogate pair.
    const text = `${'a'.repeat(1998)}${'🔴'.repeat(10)}`;
    expect(await ch.send(msg('discord', text))).toMatchObject({ ok: true });
    expect(sent.length).toBeLessThanOrEqual(2000);
    expect(sent).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(sent.endsWith('…')).toBe(true);
  });

  it('paces by the rate-limit headers: an empty bucket waits X-RateLimit-Reset-After before the next post', async () => {
    // https://discord.com/developers/docs/topics/rate-limits#header-format: X-RateLimit-Remaining
    // "The number of requests that can be made", X-RateLimit-Reset-After "Total time (in seconds) of
    // when the current rate limit bucket will reset. Can have decimals".
    const calls = strictDiscord(() =>
      HttpResponse.json(
        { id: '1' },
        {
          headers: {
            'x-ratelimit-limit': '5',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset-after': '1.25',
          },
        },
      ),
    );
    const deps = kitDeps('x');
    let now = 1_000_000;
    deps.clock = { now: () => now };
    const ch = createDiscordChannel({ webhooks: { ops: { value: DISCORD } } }, deps);
    expect(await ch.send(msg('discord'))).toMatchObject({ ok: true });
    expect(await ch.send(msg('discord'))).toMatchObject({ ok: false, throttled: true, retry_after_ms: 1250 });
    expect(calls()).toBe(1);
    now += 1250;
    expect(await ch.send(msg('discord'))).toMatchObject({ ok: true });
    expect(calls()).toBe(2);
  });

  it('a webhook answering 404 is dead until the configured URL changes', async () => {
    // Discord answers a deleted webhook with 404 {"message": "Unknown Webhook", "code": 10015}
    // (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
    let calls = 0;
    server.use(
      http.post(DISCORD, () => {
        calls++;
        return HttpResponse.json({ message: 'Unknown Webhook', code: 10015 }, { status: 404 });
      }),
    );
    const config = { webhooks: { ops: { value: DISCORD } } };
    const ch = createDiscordChannel(config, kitDeps('x'));
    expect(await ch.send(msg('discord'))).toMatchObject({ ok: false, retryable: false, code: 'http_404' });
    expect(await ch.send(msg('discord'))).toMatchObject({
      ok: false,
      retryable: false,
      code: 'webhook_dead',
    });
    expect(calls).toBe(1);
    // The configuration now names another webhook: it is used.
    const url = 'https://discord.com/api/webhooks/124/replacedToken';
    config.webhooks.ops = { value: url };
    server.use(http.post(url, () => HttpResponse.json({ id: '5' })));
    expect(await ch.send(msg('discord'))).toMatchObject({ ok: true });
  });
});

describe('Slack', () => {
  it('a webhook answering 404 (no_service) is dead and not posted to again', async () => {
    // https://api.slack.com/messaging/webhooks#handling_errors: a removed webhook answers 404 no_service.
    let calls = 0;
    server.use(
      http.post(SLACK, () => {
        calls++;
        return new HttpResponse('no_service', { status: 404 });
      }),
    );
    const ch = createSlackChannel({ webhooks: { ops: { value: SLACK } } }, kitDeps('x'));
    expect(await ch.send(msg('slack'))).toMatchObject({ ok: false, retryable: false });
    expect(await ch.send(msg('slack'))).toMatchObject({ ok: false, code: 'webhook_dead' });
    expect(calls).toBe(1);
  });
});
