import { describe, expect, it } from 'vitest';
import type { NotificationData } from '../notification.js';
import { MessageRenderer } from './render.js';

const data = (over: Partial<NotificationData> = {}): NotificationData => ({
  id: 'ntf_1',
  kind: 'group',
  receiver: 'oncall',
  group_key: 'g',
  group_labels: { alertname: 'GatewayOffline', site: 'site_1' },
  status: 'firing',
  severity: 'critical',
  alerts: [
    {
      fingerprint: 'f1',
      status: 'firing',
      severity: 'critical',
      labels: {
        alertname: 'GatewayOffline',
        type: 'io.fieldops.chirpstack.gateway.offline.v1',
        gateway_eui: '0016c001ff10a235',
      },
      annotations: { summary: 'Gateway <b>*gw*</b> & @everyone is offline' },
      starts_at: '2026-11-27T00:00:00Z',
    },
  ],
  firing: ['f1'],
  resolved: [],
  ack_code: 'K7Q2MX',
  ack_codes: ['K7Q2MX'],
  created_at: 0,
  ...over,
});

describe('MessageRenderer', () => {
  const r = new MessageRenderer();
  it('uses the per-event-type default with the ack instruction', () => {
    const m = r.render(data(), 'whatsapp');
    expect(m.title).toBe('[CRITICAL] GatewayOffline · site_1');
    expect(m.text).toContain('EUI 0016c001ff10a235');
    expect(m.text).toContain('Reply ACK K7Q2MX to acknowledge.');
    expect(m.parameters).toEqual([
      '[CRITICAL] GatewayOffline · site_1',
      'Gateway <b>*gw*</b> & @everyone is offline',
      'K7Q2MX',
    ]);
  });

  it('escapes untrusted text per channel', () => {
    expect(r.render(data(), 'slack').text).toContain('Gateway &lt;b&gt;*gw*&lt;/b&gt; &amp; @everyone');
    const discord = r.render(data(), 'discord').text;
    expect(discord).toContain('\\*gw\\*');
    expect(discord).toContain('@\u200beveryone');
    expect(discord).not.toContain('@everyone');
  });

  it('takes configured templates by event type, alertname or default, and rejects broken ones at startup', () => {
    const custom = new MessageRenderer({
      GatewayOffline: { text: 'GW {{#each alerts}}{{labels.gateway_eui}}{{/each}} code={{ack_code}}' },
      default: { title: 'T {{alertname}}' },
    });
    const m = custom.render(data(), 'email');
    expect(m.text).toBe('GW 0016c001ff10a235 code=K7Q2MX');
    expect(m.title).toBe('T GatewayOffline');
    expect(() => new MessageRenderer({ default: { text: '{{#each alerts}}' } })).toThrow(
      /templates\.default\.text/,
    );
  });

  it('sanitizes template parameters (no newlines, tabs or long runs of spaces)', () => {
    const m = r.render(
      data({ alerts: [{ ...data().alerts[0]!, annotations: { summary: 'a\nb\tc      d' } }] }),
      'whatsapp',
    );
    expect(m.parameters[1]).toBe('a b c   d');
  });
});

describe('long groups', () => {
  it('lists the first 20 alerts, firing first, and counts the rest', () => {
    const base = data().alerts[0]!;
    const alerts = Array.from({ length: 50 }, (_, i) => ({
      ...base,
      fingerprint: `f${i}`,
      status: (i < 5 ? 'resolved' : 'firing') as 'firing' | 'resolved',
      annotations: { summary: `alert ${i}` },
    }));
    const m = new MessageRenderer().render(data({ alerts }), 'slack');
    expect(m.text).toContain('alert 5');
    expect(m.text).not.toContain('alert 0\n');
    expect(m.text).toContain('…and 30 more');
    expect(m.parameters[1]).toBe('alert 5 (+49 more)');
  });
});
