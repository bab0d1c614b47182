// A runnable configuration example: `pnpm --filter @fieldops/notify example`.
// Without WHATSAPP_TOKEN / SLACK_WEBHOOK_URL set it runs dry: every provider request is printed
// instead of sent. The test in test/example.test.ts runs this file.
import { buildEvent } from '@fieldops/contracts/events/v1';
import { createNotifyEngine, type NotifyConfig } from '@fieldops/notify';

/** The configuration: WhatsApp first with email failover, a team Slack channel, escalation, quiet hours. */
export const config: NotifyConfig = {
  route: {
    receiver: 'site-oncall',
    group_by: ['alertname', 'site'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '4h',
    escalation: 'site-critical',
    routes: [
      // Automation failures go to the team channel only, and keep going to the on-call too.
      { matchers: ['type=~"io\\.fieldops\\.automation\\..*"'], receiver: 'team', continue: true },
      // Warnings wait for the morning (critical bypasses quiet hours).
      { matchers: ['severity="warning"'], quiet_hours: ['bangkok-night'] },
    ],
  },
  receivers: [
    {
      name: 'site-oncall',
      contacts: [
        {
          name: 'somchai',
          chain: [
            { channel: 'whatsapp', to: '+66811111111' },
            { channel: 'email', to: 'somchai@example.com' },
          ],
        },
      ],
    },
    { name: 'team', contacts: [{ name: 'ops-channel', chain: [{ channel: 'slack', to: 'ops' }] }] },
    { name: 'lead', contacts: [{ name: 'nok', chain: [{ channel: 'whatsapp', to: '+66822222222' }] }] },
  ],
  escalation_policies: [
    {
      name: 'site-critical',
      levels: [
        { delay: '10m', receivers: ['lead'] },
        { delay: '20m', receivers: ['team'] },
      ],
      loops: 1,
    },
  ],
  inhibit_rules: [
    // A down RFID backend explains its offline stations: do not page for each of them.
    {
      source_matchers: ['alertname="RfidBackendUnhealthy"'],
      target_matchers: ['alertname="StationOffline"'],
      equal: ['site'],
    },
  ],
  time_intervals: {
    'bangkok-night': { location: 'Asia/Bangkok', intervals: [{ times: [{ start: '22:00', end: '07:00' }] }] },
  },
  channels: {
    whatsapp: {
      phone_number_id: '109876543210',
      token: 'env:WHATSAPP_TOKEN',
      template: { name: 'fieldops_alert', language: 'en' },
      app_secret: 'env:WHATSAPP_APP_SECRET',
      verify_token: 'env:WHATSAPP_VERIFY_TOKEN',
    },
    email: {
      host: 'smtp.example.com',
      port: 587,
      require_tls: true,
      from: 'fieldops <alerts@example.com>',
      auth: { user: 'alerts', pass: 'env:SMTP_PASSWORD' },
    },
    slack: { webhooks: { ops: 'env:SLACK_WEBHOOK_URL' } },
  },
  retry: { max_attempts: 4, base_delay: '2s', max_delay: '5m' },
  templates: {
    'io.fieldops.rfid.station.offline.v1': { title: 'RFID station down at {{site}}' },
  },
};

/** Prints each provider request instead of sending it. */
export function dryRunFetch(print: (line: string) => void): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    print(
      `→ POST ${url.host}${url.pathname.replace(/\/services\/.*/, '/services/…')} ${String(init?.body ?? '')}`,
    );
    const body = url.host === 'graph.facebook.com' ? { messages: [{ id: `wamid.demo${Date.now()}` }] } : 'ok';
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200 });
  };
}

/** Runs the demo: a gateway goes offline, the on-call is notified, acknowledges, nothing escalates. */
export async function main(
  options: {
    fetch?: typeof fetch;
    print?: (line: string) => void;
    wait?: (ms: number) => Promise<unknown>;
  } = {},
): Promise<void> {
  const print = options.print ?? ((line: string) => console.log(line));
  const wait = options.wait ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const live = Boolean(process.env.WHATSAPP_TOKEN && process.env.SLACK_WEBHOOK_URL);
  const engine = createNotifyEngine({
    config,
    ...(options.fetch || !live ? { fetch: options.fetch ?? dryRunFetch(print) } : {}),
    // Dry run: the SecretRefs resolve to placeholders.
    ...(live
      ? {}
      : {
          secrets: async (ref: string) =>
            ref === 'env:SLACK_WEBHOOK_URL' ? 'https://hooks.slack.com/services/T0/B0/demo' : `demo-${ref}`,
        }),
    onReceipt: (r) => print(`receipt ${r.channel} ${r.to} ${r.status}`),
  });
  await engine.start();

  const offline = buildEvent(
    'io.fieldops.chirpstack.gateway.offline.v1',
    {
      gateway_eui: '0016c001ff10a235',
      site_id: 'site_01jf3t7x9k2m4n6p8q0r2s4t6v' as never,
      name: 'bkk-roof',
      state: 'offline',
      previous_state: 'online',
      last_seen_at: new Date().toISOString(),
    },
    { source: '/sites/site_01jf3t7x9k2m4n6p8q0r2s4t6v/chirpstack', id: 'demo-1' },
  );
  print(`ingest: ${JSON.stringify(await engine.ingest(offline))}`);
  print('waiting for group_wait (30 s)…');
  await wait(30_000);
  await engine.settle();

  const [incident] = engine.inspect().incidents;
  if (incident) {
    // What a WhatsApp reply "ACK <code>" does through the webhook, here by API.
    const ack = await engine.acknowledge({ ack_code: incident.ack_code, by: 'somchai' });
    print(`acknowledged ${ack.ack_code}: escalation stopped=${ack.cancelled_escalation}`);
  }
  await engine.stop();
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  await main();
}
