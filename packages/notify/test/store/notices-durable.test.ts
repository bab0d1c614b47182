// Incident notices on a durable store (PGlite): queued with the acknowledgement in one batch, recorded
// before their send, and sent once after a restart that interrupted them.
import type { Message } from '@fieldops/contracts/notify/v1';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { SendResult } from '../../src/channels/channel.js';
import type { DeliveryJob } from '../../src/stages/deliver.js';
import { baseConfig, engineWithRecorders, recordingChannel } from '../support/helpers.js';
import { pgliteKind } from '../support/stores.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const config = () =>
  baseConfig({
    route: { receiver: 'oncall', group_wait: '0s', escalation: 'now' },
    escalation_policies: [{ name: 'now', levels: [{ delay: '0s', receivers: ['lead'] }] }],
  });

const alert = {
  labels: { alertname: 'GatewayOffline', site: 'site_1', gateway_id: 'gw_1' },
  severity: 'critical' as const,
  status: 'firing' as const,
  starts_at: new Date().toISOString(),
};

async function until(what: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const isNotice = (m: Message) => m.subject?.startsWith('[ACKNOWLEDGED]') === true;

describe('incident notices on PGlite', () => {
  const kind = pgliteKind();
  afterAll(() => kind.close(), 60_000);

  it('records the notices before sending them and sends each once after a restart cut them off', async () => {
    const { store, second } = await kind.open();
    const other = await second();
    // First process: pages go out; the notices' sends hang until the engine stops.
    const wa = recordingChannel('whatsapp');
    const storedDuringSend: DeliveryJob[][] = [];
    const send = wa.send.bind(wa);
    wa.send = async (m, o): Promise<SendResult> => {
      if (!isNotice(m)) return send(m, o);
      wa.sent.push(m);
      storedDuringSend.push(await other.list<DeliveryJob>('deliveries'));
      return new Promise<SendResult>(() => undefined);
    };
    const a = engineWithRecorders(config(), { store, channels: { whatsapp: wa } as never });
    await a.engine.start();
    await a.engine.ingest(alert);
    await until(() => wa.sent.length === 2);
    await a.engine.settle();
    const code = a.engine.inspect().incidents[0]!.ack_code;
    await a.engine.acknowledge({ ack_code: code, by: 'nok' });
    await until(() => storedDuringSend.length === 2);
    // What another process sees while each notice is being sent: both notice jobs, with the attempt
    // of the one being sent marked.
    for (const jobs of storedDuringSend) {
      const stored = jobs.filter((j) => j.notification.kind === 'notice');
      expect(stored.map((j) => j.chain[0]!.to).sort()).toEqual(['+66811111111', '+66822222222']);
      expect(stored.some((j) => j.in_flight !== undefined)).toBe(true);
    }
    await a.engine.stop();

    // Second process on the same data: each notice once, no page again.
    const b = engineWithRecorders(config(), { store: other });
    await b.engine.start();
    await until(() => b.channels.whatsapp.sent.length >= 2);
    await b.engine.settle();
    expect(b.channels.whatsapp.sent.map((m) => [m.to, m.subject?.split(']')[0]]).sort()).toEqual([
      ['+66811111111', '[ACKNOWLEDGED'],
      ['+66822222222', '[ACKNOWLEDGED'],
    ]);
    expect((await b.engine.acknowledge({ ack_code: code, by: 'somchai' })).already_acknowledged).toBe(true);
    await b.engine.settle();
    expect(b.channels.whatsapp.sent).toHaveLength(2);
    expect(await other.list('deliveries')).toHaveLength(0);
    await b.engine.stop();

    // A third start finds nothing owed.
    const c = engineWithRecorders(config(), { store: await second() });
    await c.engine.start();
    await c.engine.settle();
    expect(c.channels.whatsapp.sent).toHaveLength(0);
    await c.engine.stop();
  });
});
