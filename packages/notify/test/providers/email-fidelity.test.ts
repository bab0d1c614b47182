import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmailChannel } from '../../src/channels/email/index.js';
import { isLoopbackHost, requiresStartTls } from '../../src/channels/email/tls-policy.js';
import { kitDeps } from '../support/channel-kit.js';
import { startSmtpServer } from '../support/smtp.js';

// Issue 21 item 5: email as the standards say.

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());

const header = (raw: string, name: string): string | undefined =>
  new RegExp(`^${name}: (.*)$`, 'mi').exec(raw.replace(/\r\n[ \t]+/g, ' '))?.[1]?.trim();

describe('email', () => {
  it('requires TLS by default except on loopback', () => {
    expect(requiresStartTls({ host: 'smtp.example.test' })).toBe(true);
    expect(requiresStartTls({ host: '10.0.0.5' })).toBe(true);
    expect(requiresStartTls({ host: '127.0.0.1' })).toBe(false);
    expect(requiresStartTls({ host: 'localhost' })).toBe(false);
    expect(requiresStartTls({ host: '[::1]' })).toBe(false);
    expect(requiresStartTls({ host: 'smtp.example.test', secure: true })).toBe(false);
    expect(requiresStartTls({ host: 'smtp.example.test', require_tls: false })).toBe(false);
    expect(isLoopbackHost('127.0.0.1.evil.example')).toBe(false);
  });

  it('refuses to send without STARTTLS when TLS is required (the test server offers none)', async () => {
    await smtp.setMode('ok');
    const before = smtp.received.length;
    const ch = createEmailChannel(
      { host: '127.0.0.1', port: smtp.port, from: 'a@example.test', require_tls: true, timeout: '5s' },
      kitDeps('x'),
    );
    const r = await ch.send({
      channel: 'email',
      to: 'b@example.test',
      text: 't',
      group_key: 'g',
      alert_fingerprints: [],
    });
    await ch.close?.();
    expect(r.ok).toBe(false);
    expect(smtp.received.length).toBe(before);
  });

  it('marks mail Auto-Submitted and threads an incident: one Message-ID root, replies, one subject', async () => {
    // RFC 3834 §5 (Auto-Submitted: auto-generated); RFC 5322 §3.6.4 (Message-ID, In-Reply-To, References).
    await smtp.setMode('ok');
    const before = smtp.received.length;
    const ch = createEmailChannel(
      { host: '127.0.0.1', port: smtp.port, from: 'fieldops <alerts@example.test>', timeout: '5s' },
      kitDeps('x'),
    );
    const base = {
      channel: 'email' as const,
      to: 'b@example.test',
      group_key: 'g1',
      alert_fingerprints: ['f'],
      ack_code: 'K7Q2MX',
    };
    expect(
      (await ch.send({ ...base, subject: '[CRITICAL] GatewayOffline · site_01', text: 'down' })).ok,
    ).toBe(true);
    expect(
      (
        await ch.send({
          ...base,
          subject: '[CRITICAL] GatewayOffline · site_01 (escalation 2)',
          text: 'still down',
        })
      ).ok,
    ).toBe(true);
    expect((await ch.send({ ...base, ack_code: 'ZZ23QP', subject: 'other incident', text: 'x' })).ok).toBe(
      true,
    );
    await ch.close?.();
    await smtp.waitFor(before + 3);
    const [first, second, other] = smtp.received.slice(before).map((m) => m.raw);
    expect(header(first!, 'Auto-Submitted')).toBe('auto-generated');
    const root = header(first!, 'Message-ID');
    expect(root).toMatch(/^<[0-9a-f]{32}@example\.test>$/);
    expect(header(first!, 'In-Reply-To')).toBeUndefined();
    expect(header(second!, 'In-Reply-To')).toBe(root);
    expect(header(second!, 'References')).toBe(root);
    expect(header(second!, 'Message-ID')).not.toBe(root);
    expect(header(second!, 'Subject')).toBe(header(first!, 'Subject'));
    expect(header(other!, 'In-Reply-To')).toBeUndefined();
    expect(header(other!, 'Message-ID')).not.toBe(root);
  });
});
