import type { DeliveryReceipt } from '@fieldops/contracts/notify/v1';
import { createEnvProvider, createSecretResolver } from '@fieldops/core/secrets';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifyEngine } from '../src/engine.js';
import { createDefaultSecretResolver, SecretVault } from '../src/secrets.js';
import { MemoryNotifyStore } from '../src/store/memory-store.js';
import { advance, baseConfig, captureLogger, gatewayEvent, seeded, useFakeClock } from './support/helpers.js';
import { server, useMsw, WA_URL } from './support/msw.js';
import { startSmtpServer } from './support/smtp.js';

useMsw();
const CANARY = {
  wa: 'EAAG-canary-wa-0a1b2c3d',
  slack: 'https://hooks.slack.com/services/T9/B9/canarySlack0a1b',
  discord: 'https://discord.com/api/webhooks/9/canaryDiscord0a1b',
  smtp: 'canary-smtp-pass-0a1b',
};
const REFS: Record<string, string> = {
  'env:WA_TOKEN': CANARY.wa,
  'vault:kv/notify#slack': CANARY.slack,
  'op://ops/discord/url': CANARY.discord,
  'env:SMTP_PASS': CANARY.smtp,
};
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer({ user: 'alerts', pass: 'the-real-one-differs' });
});
afterAll(() => smtp.close());
beforeEach(() => useFakeClock());
afterEach(() => vi.useRealTimers());

describe('secrets never leak (canary)', () => {
  it('keeps tokens, webhook URLs and passwords out of logs, receipts, errors and the store', async () => {
    // Every provider fails and echoes what it was given.
    server.use(
      http.post(WA_URL, ({ request }) =>
        HttpResponse.json(
          { error: { code: 190, message: `bad token ${request.headers.get('authorization')}` } },
          { status: 401 },
        ),
      ),
      http.post(
        CANARY.slack,
        ({ request }) => new HttpResponse(`no_service for ${request.url}`, { status: 404 }),
      ),
      http.post(CANARY.discord, ({ request }) =>
        HttpResponse.json({ message: `Unknown Webhook ${request.url}` }, { status: 404 }),
      ),
    );
    const logger = captureLogger();
    const receipts: DeliveryReceipt[] = [];
    const store = new MemoryNotifyStore();
    const base = baseConfig();
    const engine = createNotifyEngine({
      config: {
        ...base,
        receivers: [
          {
            name: 'oncall',
            contacts: [
              {
                name: 'everyone',
                chain: [
                  { channel: 'whatsapp', to: '+66811111111' },
                  { channel: 'slack', to: 'ops' },
                  { channel: 'discord', to: 'ops' },
                  { channel: 'email', to: 'somchai@example.test' },
                ],
              },
            ],
          },
        ],
        channels: {
          whatsapp: { ...base.channels.whatsapp!, token: 'env:WA_TOKEN' },
          slack: { webhooks: { ops: 'vault:kv/notify#slack' } },
          discord: { webhooks: { ops: 'op://ops/discord/url' } },
          email: {
            host: '127.0.0.1',
            port: smtp.port,
            from: 'a@example.test',
            auth: { user: 'alerts', pass: 'env:SMTP_PASS' },
            timeout: '5s',
          },
        },
      },
      secrets: async (ref) => REFS[ref] ?? '',
      logger,
      store,
      onReceipt: (r) => receipts.push(r),
      random: seeded(1),
    });
    await engine.ingest(gatewayEvent('offline'));
    await advance(engine, 31_000, 500);
    // The chain was walked to the end: every channel failed for good.
    expect(receipts.map((r) => r.channel)).toEqual(['whatsapp', 'slack', 'discord', 'email']);
    expect(receipts.every((r) => r.status === 'failed')).toBe(true);
    const everything = [
      ...logger.lines,
      JSON.stringify(receipts),
      JSON.stringify(engine.inspect()),
      JSON.stringify(await store.list('deliveries')),
      JSON.stringify(await store.list('alerts')),
    ].join('\n');
    for (const value of Object.values(CANARY)) expect(everything).not.toContain(value);
    expect(everything).toContain('[redacted]');
    await engine.stop();
  });

  it('names the reference, never a value, when a secret cannot be resolved', async () => {
    const vault = new SecretVault(createDefaultSecretResolver({ PRESENT: 'value-canary-77' }));
    await expect(vault.resolve('env:MISSING', 'channels.whatsapp.token')).rejects.toThrow(
      /env:MISSING is not set/,
    );
    await expect(vault.resolve('vault:kv/x#y', 'f')).rejects.toThrow(/needs an injected resolver/);
    await expect(vault.resolve('not-a-ref', 'channels.slack.webhooks.ops')).rejects.toThrow(
      /channels\.slack\.webhooks\.ops/,
    );
    expect(await vault.resolve('env:PRESENT', 'f')).toBe('value-canary-77');
    expect(vault.redact('x value-canary-77 y')).toBe('x [redacted] y');
  });
  it("redacts a secret's encoded forms: the vault is core's redactor (one secrets implementation)", async () => {
    const value = 'canary-encoded-0a1b2c3d';
    const vault = new SecretVault(createDefaultSecretResolver({ WA_TOKEN: value }));
    await vault.resolve('env:WA_TOKEN', 'channels.whatsapp.token');
    const b64 = Buffer.from(value).toString('base64');
    const hex = Buffer.from(value).toString('hex');
    expect(vault.redact(`Basic ${b64} / ${hex}`)).toBe('Basic [redacted] / [redacted]');
  });

  it('takes a @fieldops/core/secrets resolver and shares its redactor', async () => {
    const resolver = createSecretResolver({
      providers: [createEnvProvider({ env: { SLACK: CANARY.slack } })],
    });
    const vault = new SecretVault(resolver);
    expect(await vault.resolve('env:SLACK', 'channels.slack.webhooks.ops')).toBe(CANARY.slack);
    expect(vault.redactor).toBe(resolver.redactor);
    expect(resolver.redactor.redactString(`posted to ${CANARY.slack}`)).toBe('posted to [redacted]');
    await expect(vault.resolve('env:ABSENT', 'channels.email.auth.pass')).rejects.toThrow(
      /secret env:ABSENT is not set/,
    );
  });
});
