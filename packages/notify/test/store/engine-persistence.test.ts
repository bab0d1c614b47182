// The engine on a real store (PGlite and Postgres): answers after the write, batches writes, records an
// attempt before its send.
import type { Message } from '@fieldops/contracts/notify/v1';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { DeliveryJob } from '../../src/stages/deliver.js';
import { baseConfig, engineWithRecorders, gatewayEvent } from '../support/helpers.js';
import { pgliteKind, postgresKind, type StoreKind } from '../support/stores.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const alert = (i: number) => ({
  labels: { alertname: 'GatewayOffline', site: `site_${i}`, gateway_id: `gw_${i}` },
  severity: 'critical' as const,
  status: 'firing' as const,
  starts_at: new Date().toISOString(),
});

for (const kind of [pgliteKind(), postgresKind()] as StoreKind[]) {
  describe.skipIf(kind.skip !== undefined)(`the engine on ${kind.name}`, () => {
    afterAll(() => kind.close(), 60_000);

    it('answers an ingest once its alert is in the store, and concurrent ingests share transactions', async () => {
      const { store, second } = await kind.open();
      const { engine } = engineWithRecorders(baseConfig(), { store });
      await engine.start();
      const results = await Promise.all(Array.from({ length: 300 }, (_, i) => engine.ingest(alert(i))));
      expect(results.every((r) => r.kind === 'alert')).toBe(true);
      // Every answered ingest is readable by another connection (another process) already.
      const other = await second();
      expect(await other.list('alerts')).toHaveLength(300);
      expect(await other.list('groups')).toHaveLength(300);
      const { writes } = engine.inspect();
      // 300 ingests, 600 documents (alert + group each): in far fewer transactions than ingests.
      expect(writes.documents).toBeGreaterThanOrEqual(600);
      expect(writes.batches).toBeLessThan(150);
      await engine.stop();
    });

    it('stores one document per new alert, which carries its event key: a re-sent event is a duplicate after a restart', async () => {
      const { store, second } = await kind.open();
      const a = engineWithRecorders(baseConfig(), { store });
      await a.engine.start();
      const events = Array.from({ length: 50 }, (_, i) =>
        gatewayEvent('offline', `0016c001ff10${i.toString(16).padStart(4, '0')}`),
      );
      await Promise.all(events.map((e) => a.engine.ingest(e)));
      const other = await second();
      expect(await other.list('alerts')).toHaveLength(50);
      expect(await other.list('events')).toHaveLength(0);
      await a.engine.stop();
      // A new process on the same database.
      const b = engineWithRecorders(baseConfig(), { store: other });
      await b.engine.start();
      const again = await Promise.all(events.map((e) => b.engine.ingest(e)));
      expect(again.every((r) => r.kind === 'duplicate')).toBe(true);
      await b.engine.stop();
    });

    it('writes the attempt to the store before the send starts', async () => {
      const { store, second } = await kind.open();
      const other = await second();
      const seenDuringSend: (DeliveryJob | undefined)[] = [];
      const whatsapp = {
        kind: 'whatsapp' as const,
        sent: [] as Message[],
        respond: () => ({ ok: true as const }),
        async send(m: Message) {
          // What a process started now would find: the job with its unanswered attempt.
          const jobs = await other.list<DeliveryJob>('deliveries');
          seenDuringSend.push(jobs.find((j) => j.notification.ack_code === m.ack_code));
          return { ok: true as const };
        },
      };
      const { engine } = engineWithRecorders(
        baseConfig({ route: { receiver: 'oncall', group_wait: '0s' } }),
        {
          store,
          channels: { whatsapp } as never,
        },
      );
      await engine.start();
      await engine.ingest(alert(1));
      const deadline = Date.now() + 60_000;
      while (seenDuringSend.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      await engine.settle();
      expect(seenDuringSend).toHaveLength(1);
      expect(seenDuringSend[0]?.in_flight).toMatchObject({ step: 0 });
      // Answered: the job is gone from the store.
      expect(await other.list('deliveries')).toHaveLength(0);
      await engine.stop();
    });
  });
}
