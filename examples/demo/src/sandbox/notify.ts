// The notifications engine as a site would run it, with its providers pointed at the sinks:
// WhatsApp first for the on-call (email when WhatsApp fails for good), the team's Slack for automation
// runs, an escalation policy for a gateway going offline (level 1: the lead by email, level 2: the
// NOC's Discord). notify-process.ts runs it as the `fieldops-notify` process.
import type { NotifyConfig } from '@fieldops/notify';

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
