// The notifications engine as a site would run it, with its providers pointed at the sinks:
// WhatsApp first for the on-call (email when WhatsApp fails for good), the team's Slack for automation
// runs, an escalation policy for a gateway going offline (level 1: the lead by email, level 2: the
// NOC's Discord), and the HTTP API and the WhatsApp webhook served on one loopback port.
import { createHmac } from 'node:crypto';
import { createNotifyEngine, type NotifyConfig, type NotifyEngine } from '@fieldops/notify';
import { serveFetchHandler } from '@fieldops/sdk/rfid';

/** Phone numbers and addresses of the demo's people. */
export const PEOPLE = {
  oncall: '+66811111111',
  oncallEmail: 'somchai@coldchain.test',
  leadEmail: 'nok@coldchain.test',
} as const;

/** Delays of the demo's escalation policy (short, so the demo is quick). */
export const ESCALATION = { level1Ms: 1500, level2Ms: 4000 } as const;

/** The engine configuration (what a site would keep in a YAML file). */
export function demoNotifyConfig(sinksUrl: string, smtpPort: number): NotifyConfig {
  return {
    route: {
      receiver: 'site-oncall',
      group_by: ['alertname', 'site'],
      group_wait: '300ms',
      group_interval: '2s',
      repeat_interval: '4h',
      routes: [
        // Automation runs: the team channel.
        { matchers: ['type=~"io\\.fieldops\\.automation\\..*"'], receiver: 'team' },
        // A gateway down pages the on-call and escalates until someone acknowledges.
        { matchers: ['alertname="GatewayOffline"'], receiver: 'site-oncall', escalation: 'gateway-down' },
      ],
    },
    receivers: [
      {
        name: 'site-oncall',
        contacts: [
          {
            name: 'somchai',
            chain: [
              { channel: 'whatsapp', to: PEOPLE.oncall },
              { channel: 'email', to: PEOPLE.oncallEmail },
            ],
          },
        ],
      },
      { name: 'lead', contacts: [{ name: 'nok', chain: [{ channel: 'email', to: PEOPLE.leadEmail }] }] },
      { name: 'team', contacts: [{ name: 'ops', chain: [{ channel: 'slack', to: 'ops' }] }] },
      { name: 'noc', contacts: [{ name: 'noc', chain: [{ channel: 'discord', to: 'noc' }] }] },
    ],
    escalation_policies: [
      {
        name: 'gateway-down',
        levels: [
          { delay: ESCALATION.level1Ms, receivers: ['lead'] },
          { delay: ESCALATION.level2Ms, receivers: ['noc'] },
        ],
        loops: 0,
      },
    ],
    channels: {
      whatsapp: {
        phone_number_id: '109876543210',
        base_url: `${sinksUrl}/whatsapp`,
        token: { value: 'demo-whatsapp-token' },
        template: { name: 'fieldops_alert', language: 'en' },
        recipient_gap: '0s',
        app_secret: { value: 'demo-app-secret' },
        verify_token: { value: 'demo-verify-token' },
      },
      email: {
        host: '127.0.0.1',
        port: smtpPort,
        secure: false,
        ignore_tls: true,
        from: 'fieldops <alerts@coldchain.test>',
      },
      slack: { webhooks: { ops: { value: `${sinksUrl}/slack/services/T0DEMO/B0DEMO/demo` } } },
      discord: { webhooks: { noc: { value: `${sinksUrl}/discord/api/webhooks/1/demo` } } },
    },
    retry: { max_attempts: 3, base_delay: '200ms', max_delay: '2s' },
  };
}

/** Starts the engine and serves `/notify/*` (API) and `/whatsapp/webhook` on loopback. */
export async function startNotify(sinksUrl: string, smtpPort: number, apiToken: string) {
  const receipts: { channel: string; to: string; status: string }[] = [];
  const engine: NotifyEngine = createNotifyEngine({
    config: demoNotifyConfig(sinksUrl, smtpPort),
    onReceipt: (r) => receipts.push({ channel: r.channel, to: r.to, status: r.status }),
  });
  await engine.start();
  const api = engine.apiHandler({ token: { value: apiToken } });
  const webhook = engine.whatsappWebhook();
  const served = await serveFetchHandler((request) =>
    new URL(request.url).pathname.startsWith('/whatsapp/webhook') ? webhook(request) : api(request),
  );
  return {
    engine,
    url: served.url,
    receipts,
    /** What WhatsApp's servers would POST when the on-call replies `ACK <code>`, signed with the app secret. */
    async replyOnWhatsApp(from: string, text: string): Promise<{ ok: boolean; acks: number }> {
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { phone_number_id: '109876543210' },
                  messages: [
                    {
                      from: from.replace(/^\+/, ''),
                      id: `wamid.reply${Date.now()}`,
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      type: 'text',
                      text: { body: text },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      const signature = createHmac('sha256', 'demo-app-secret').update(body).digest('hex');
      const res = await fetch(`${served.url}/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` },
        body,
      });
      return (await res.json()) as { ok: boolean; acks: number };
    },
    async close() {
      await engine.stop();
      await served.close();
    },
  };
}
