// The workload the notify throughput benches share (bench/run.ts, bench/engine-hot-path.ts): gateways
// across 500 sites going offline, one alert each, routed by a small tree to WhatsApp receivers.
import { buildEvent, type CloudEvent } from '@fieldops/contracts/events/v1';
import type { NotifyConfig } from '../src/config.js';

/** How many sites the gateways are spread over (one group per site). */
export const BENCH_SITES = 500;

const hex = (i: number) => i.toString(16).padStart(16, '0');
const siteId = (i: number) => `site_${(i % BENCH_SITES).toString(36).padStart(6, '0')}`;

/** `n` gateway-offline events, each of its own gateway (so its own alert), `evt-0` … `evt-(n-1)`. */
export function gatewayOfflineEvents(n: number): CloudEvent[] {
  return Array.from({ length: n }, (_, i) =>
    buildEvent(
      'io.fieldops.chirpstack.gateway.offline.v1',
      {
        gateway_eui: hex(i),
        site_id: siteId(i) as never,
        state: 'offline',
        previous_state: 'online',
        last_seen_at: '2026-11-27T02:55:00Z',
      },
      { source: `/sites/${siteId(i)}/chirpstack`, id: `evt-${i}`, time: '2026-11-27T03:00:00Z' },
    ),
  );
}

/** Groups by alertname and site; critical gateway alerts wait 10 s; two WhatsApp receivers. */
export const benchConfig: NotifyConfig = {
  route: {
    receiver: 'oncall',
    group_by: ['alertname', 'site'],
    routes: [
      { matchers: ['type=~"io\\.fieldops\\.automation\\..*"'], receiver: 'ops' },
      {
        matchers: ['severity="critical"', 'alertname=~"Gateway.*|Station.*"'],
        receiver: 'oncall',
        group_wait: '10s',
      },
      { matchers: ['severity="warning"'], receiver: 'ops' },
    ],
  },
  receivers: [
    { name: 'oncall', contacts: [{ name: 'a', chain: [{ channel: 'whatsapp', to: '+66811111111' }] }] },
    { name: 'ops', contacts: [{ name: 'b', chain: [{ channel: 'whatsapp', to: '+66822222222' }] }] },
  ],
  channels: {
    whatsapp: { phone_number_id: '1', token: { value: 'x' }, template: { name: 't', language: 'en' } },
  },
};
