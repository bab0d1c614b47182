// Acknowledge and silence from the cockpit, as A2UI user actions, against a real notify engine
// behind its real HTTP API on loopback: authenticated by the operator's token, recorded with the
// operator's name, and an acknowledgement stops the escalation (no further page).

import { buildEvent } from '@fieldops/contracts/events/v1';
import type { Message } from '@fieldops/contracts/notify/v1';
import type { Clock } from '@fieldops/core';
import { type Channel, createNotifyEngine, type NotifyEngine, toNodeListener } from '@fieldops/notify';
import { afterEach, describe, expect, it } from 'vitest';
import { createCockpit, createCockpitListener, createNotifyClient } from '../src/index.js';
import { listen } from './support/server.js';
import { openSse } from './support/sse.js';

const SITE = 'site_01jf3t7x9k2m4n6p8q0r2s4t6v';
const OPERATOR_TOKEN = 'op-somchai-token';

function recorder(kind: 'whatsapp' | 'email'): Channel & { sent: Message[] } {
  const ch = {
    kind,
    sent: [] as Message[],
    async send(m: Message) {
      ch.sent.push(m);
      return { ok: true as const, provider_message_id: `${kind}-${ch.sent.length}` };
    },
  };
  return ch as Channel & { sent: Message[] };
}

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function start(options: { clock?: Clock } = {}) {
  const whatsapp = recorder('whatsapp');
  const email = recorder('email');
  const engine: NotifyEngine = createNotifyEngine({
    config: {
      route: {
        receiver: 'oncall',
        group_by: ['alertname', 'site'],
        group_wait: '1s',
        group_interval: '5m',
        repeat_interval: '4h',
        escalation: 'gateways',
      },
      receivers: [
        {
          name: 'oncall',
          contacts: [{ name: 'somchai', chain: [{ channel: 'whatsapp', to: '+66811111111' }] }],
        },
        { name: 'lead', contacts: [{ name: 'nok', chain: [{ channel: 'whatsapp', to: '+66822222222' }] }] },
      ],
      escalation_policies: [{ name: 'gateways', levels: [{ delay: '4s', receivers: ['lead'] }], loops: 0 }],
      channels: {
        whatsapp: {
          phone_number_id: '1234567890',
          token: { value: 'wa-test-token' },
          template: { name: 'fieldops_alert', language: 'en' },
          recipient_gap: 0,
        },
      },
      retry: { max_attempts: 1, base_delay: '1s', max_delay: '1s' },
    },
    channels: { whatsapp, email },
  } as never);
  closers.push(() => engine.stop());
  const notifyServer = await listen(
    toNodeListener(
      engine.apiHandler({ token: { value: 'svc-token' }, operators: { somchai: { value: OPERATOR_TOKEN } } }),
    ),
  );
  closers.push(() => notifyServer.close());
  const notify = createNotifyClient({ baseUrl: `${notifyServer.url}/notify`, token: 'svc-token' });
  const cockpit = createCockpit({ notify });
  const listener = createCockpitListener({ cockpit, heartbeatMs: 60_000, clock: options.clock });
  const server = await listen(listener);
  closers.push(
    () => server.close(),
    () => listener.close(),
  );
  return {
    engine,
    whatsapp,
    cockpit,
    url: server.url,
    notifyUrl: notifyServer.url,
    stopNotify: notifyServer.close,
  };
}

const gatewayOffline = (site = SITE) =>
  buildEvent(
    'io.fieldops.chirpstack.gateway.offline.v1',
    {
      gateway_eui: '0016c001ff10a235',
      site_id: site as never,
      name: 'north mast',
      state: 'offline',
      previous_state: 'online',
      last_seen_at: '2026-11-30T23:00:00Z',
    },
    { source: '/sites/test/chirpstack', id: `evt-${Math.random()}`, time: new Date().toISOString() },
  );

const until = async (check: () => boolean | Promise<boolean>, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

const actionBody = (name: string, context: Record<string, unknown>) => ({
  version: 'v0.9',
  action: {
    name,
    surfaceId: 'incidents',
    sourceComponentId: 'inc_ack_btn',
    timestamp: new Date().toISOString(),
    context,
  },
});
const post = (url: string, body: unknown, token?: string) =>
  fetch(`${url}/cockpit/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('cockpit actions (A2UI user actions to notify)', () => {
  it('acknowledges an incident as the operator, shows who on the incidents surface, and stops the escalation', async () => {
    const { engine, whatsapp, cockpit, url } = await start();
    await engine.ingest(gatewayOffline());
    await until(() => whatsapp.sent.some((m) => m.to === '+66811111111'));
    await cockpit.refreshIncidents();
    const stream = await openSse(`${url}/cockpit/stream?surfaces=incidents`);
    closers.push(() => stream.close());
    const first = await stream.waitFor((e) => JSON.stringify(e.data).includes('not acknowledged'));
    const code = (
      first.data as { updateDataModel: { value: { incidents: { ack_code: string; paged: string }[] } } }
    ).updateDataModel.value.incidents[0]!;
    // The incident names its site (notify's label `site`).
    expect((code as unknown as { title: string }).title).toContain(`at ${SITE}`);
    // Who was paged is shown masked, never the whole number.
    expect(code.paged).toBe('paged: whatsapp:…1111');

    // No token, a wrong token, the service token: refused, nothing acknowledged.
    expect((await post(url, actionBody('acknowledge_incident', { ack_code: code.ack_code }))).status).toBe(
      401,
    );
    expect(
      (await post(url, actionBody('acknowledge_incident', { ack_code: code.ack_code }), 'nope')).status,
    ).toBe(401);
    expect(
      (await post(url, actionBody('acknowledge_incident', { ack_code: code.ack_code }), 'svc-token')).status,
    ).toBe(403);
    expect(engine.inspect().incidents?.[0]?.status).toBe('open');

    const ok = await post(
      url,
      actionBody('acknowledge_incident', { ack_code: code.ack_code }),
      OPERATOR_TOKEN,
    );
    expect(ok.status).toBe(200);
    expect(engine.inspect().incidents?.[0]?.acked).toMatchObject({ by: 'somchai', via: 'api' });
    await stream.waitFor((e) => JSON.stringify(e.data).includes('acknowledged by somchai'));

    // The lead's level was due 4 s after the page; wait past it: no page to the lead, ever.
    await new Promise((r) => setTimeout(r, 6_000));
    await engine.settle();
    expect(whatsapp.sent.filter((m) => m.to === '+66822222222')).toHaveLength(0);
  });

  it('pages the lead when nobody acknowledges (the escalation the ack stops is real)', async () => {
    const { engine, whatsapp } = await start();
    await engine.ingest(gatewayOffline());
    await until(() => whatsapp.sent.some((m) => m.to === '+66822222222'));
  });

  it('silences an alert at a site as the operator for the minutes asked: that alert pages nobody', async () => {
    const { engine, whatsapp, url } = await start();
    const r = await post(
      url,
      actionBody('silence_alert', { alertname: 'GatewayOffline', site_id: SITE, minutes: 60 }),
      OPERATOR_TOKEN,
    );
    expect(r.status).toBe(201);
    const [silence] = engine.listSilences();
    expect(silence).toMatchObject({ created_by: 'somchai' });
    expect(JSON.stringify(silence!.matchers)).toContain('GatewayOffline');
    const minutes = (Date.parse(silence!.ends_at) - Date.parse(silence!.starts_at)) / 60_000;
    expect(Math.round(minutes)).toBe(60);
    // The silence matches what notify labels the alert (`site`, not `site_id`): the gateway going
    // offline at that site now pages nobody, while the same alert at another site pages as usual.
    const other = 'site_01jf3t7x9k2m4n6p8q0r2s4t6w';
    await engine.ingest(gatewayOffline());
    await engine.ingest(gatewayOffline(other));
    await until(() => whatsapp.sent.some((m) => m.group_key.includes(other)));
    await engine.settle();
    expect(whatsapp.sent.filter((m) => m.group_key.includes(SITE))).toHaveLength(0);
  });

  it("counts a silence's end from the listener's clock (core's Clock), not from Date", async () => {
    // A day ahead of the system clock, so an end counted from Date would be a day short.
    const at = Math.floor(Date.now() / 1000) * 1000 + 86_400_000;
    const { engine, url } = await start({ clock: { now: () => at } });
    const r = await post(
      url,
      actionBody('silence_alert', { alertname: 'GatewayOffline', site_id: SITE, minutes: 30 }),
      OPERATOR_TOKEN,
    );
    expect(r.status).toBe(201);
    const [silence] = engine.listSilences();
    expect(Date.parse(silence!.ends_at)).toBe(at + 30 * 60_000);
  });

  it('answers 503 saying notify is not reachable when notify has stopped (not a bare 502)', async () => {
    const { url, notifyUrl, stopNotify } = await start();
    await stopNotify();
    const r = await post(url, actionBody('acknowledge_incident', { ack_code: 'A1B2' }), OPERATOR_TOKEN);
    expect(r.status).toBe(503);
    const body = (await r.json()) as { code: string; detail: string };
    expect(body.code).toBe('notify_unreachable');
    expect(body.detail).toContain(`cockpit: notify is not reachable at ${notifyUrl}/notify (ECONNREFUSED)`);
    expect(body.detail).toContain('nothing was recorded');
    expect(body.detail).not.toContain(OPERATOR_TOKEN);
  });

  it('refuses a bad action naming the contract and the field', async () => {
    const { url } = await start();
    const r = await post(url, actionBody('silence_alert', { alertname: 'X', minutes: 0 }), OPERATOR_TOKEN);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/cockpit\.v1\.SilenceContext.*minutes/s);
    const u = await post(url, actionBody('reboot_gateway', {}), OPERATOR_TOKEN);
    expect(u.status).toBe(400);
    expect(((await u.json()) as { code: string }).code).toBe('unknown_action');
    const v = await post(url, { version: 'v0.8', action: {} }, OPERATOR_TOKEN);
    expect(((await v.json()) as { detail: string }).detail).toContain('cockpit.v1.UserAction');
  });
});
