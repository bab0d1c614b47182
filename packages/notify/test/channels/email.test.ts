import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailChannel } from '../../src/channels/email/index.js';
import type { EmailChannelConfig } from '../../src/config.js';
import { describeChannelKit, kitDeps } from '../support/channel-kit.js';
import { closedPort, startSmtpServer } from '../support/smtp.js';

const CANARY = 'smtp-canary-password-91ac';
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let deadPort = 0;
let networkDown = false;

beforeAll(async () => {
  smtp = await startSmtpServer({ user: 'alerts', pass: CANARY });
  deadPort = await closedPort();
});
afterAll(() => smtp.close());

const message = {
  channel: 'email' as const,
  to: 'somchai@example.test',
  subject: '[CRITICAL] GatewayOffline at site_01',
  text: 'Gateway <gw-a235> is offline & unreachable',
  group_key: '0:{alertname="GatewayOffline"}',
  alert_fingerprints: ['abc'],
};

function config(): EmailChannelConfig {
  return {
    host: '127.0.0.1',
    get port() {
      return networkDown ? deadPort : smtp.port;
    },
    from: 'fieldops <alerts@example.test>',
    auth: { user: 'alerts', pass: 'env:SMTP_PASS' },
    timeout: '5s',
  };
}

describeChannelKit({
  name: 'email (real SMTP server on loopback)',
  canary: CANARY,
  message,
  make: (deps) => createEmailChannel(config(), deps),
  answer(kind) {
    networkDown = kind === 'network_error';
    return smtp.setMode(
      kind === 'server_error'
        ? 'temporary'
        : kind === 'client_error'
          ? 'permanent'
          : kind === 'rate_limited'
            ? 'busy'
            : 'ok',
    );
  },
});

describe('email delivery', () => {
  it('delivers text and escaped HTML to the SMTP server, authenticated', async () => {
    networkDown = false;
    await smtp.setMode('ok');
    const before = smtp.received.length;
    const ch = createEmailChannel(config(), kitDeps(CANARY));
    const r = await ch.send(message);
    await ch.close?.();
    expect(r.ok).toBe(true);
    await smtp.waitFor(before + 1);
    const mail = smtp.received[before]!;
    expect(mail.to).toEqual(['somchai@example.test']);
    expect(mail.user).toBe('alerts');
    expect(mail.raw).toMatch(/^Subject: \[CRITICAL\] GatewayOffline/m);
    expect(mail.raw).toContain('&lt;gw-a235&gt; is offline &amp; unreachable');
    expect(mail.raw).not.toContain(CANARY);
  });
});
