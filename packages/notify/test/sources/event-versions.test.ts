import {
  type BusEvent,
  createConsumer,
  createMemoryBus,
  type DeadLetter,
  encodeEvent,
  migrate,
  subjectForType,
} from '@fieldops/bus';
import { createPgliteDatabase } from '@fieldops/bus/pglite';
import type { EventOf } from '@fieldops/contracts/events/v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES } from '../../src/sources/index.js';
import { baseConfig, engineWithRecorders } from '../support/helpers.js';

// Issue 18: a `.v2` event reaches notify, whose adapters are written for v1, through the contracts'
// converter — both on the real @fieldops/bus consumer (inbox in PGlite, memory transport) declaring
// only v1, and on notify's own ingest. An event of a version nothing converts is dead-lettered.

const STATION = 'stn_01jf3t7x9k2m4n6p8q0r2s4t6v';
const SITE = 'site_01jf3t7x9k2m4n6p8q0r2s4t6v';
let n = 0;
function healthV2(
  condition: EventOf<'io.fieldops.rfid.station.health.v2'>['data']['condition'],
  type = 'io.fieldops.rfid.station.health.v2',
): BusEvent {
  return {
    specversion: '1.0',
    id: `evt-health-${++n}`,
    source: `/sites/${SITE}/rfid`,
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: 'urn:fieldops:schema:events.v2.RfidStationHealth',
    data: {
      station_id: STATION,
      site_id: SITE,
      condition,
      status: 'firing',
      value: condition === 'temperature_high' ? 71 : 900,
      threshold: condition === 'temperature_high' ? 65 : 500,
      health: {
        queue_depth: 900,
        temperature_c: 71,
        firmware_version: '2.4.1',
        clock_offset_ms: 120,
        measured_at: new Date().toISOString(),
      },
    },
  };
}

async function until(check: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let db: Awaited<ReturnType<typeof createPgliteDatabase>>;
beforeAll(async () => {
  db = await createPgliteDatabase();
  await migrate(db);
}, 120_000);
afterAll(() => db?.close?.());

describe('a v1-only notify consumer on the bus', { timeout: 120_000 }, () => {
  it('reads a v2 station health event through the converter; an unknown version goes to the dead letter', async () => {
    const bus = createMemoryBus();
    const { engine } = engineWithRecorders(baseConfig());
    const seen: BusEvent[] = [];
    const consumer = createConsumer({
      name: 'notify',
      db,
      subscriber: bus.subscriber,
      deadLetters: bus.publisher,
      // notify declares v1 only; the default converters are the contracts' EVENT_CONVERTERS.
      handlers: {
        'io.fieldops.rfid.station.health': {
          1: async (event) => {
            seen.push(event);
            await engine.ingest(event);
          },
        },
      },
    });
    await consumer.start();
    const publish = (e: BusEvent) =>
      bus.publisher.publishBatch([
        { subject: subjectForType(e.type), id: `${e.source} ${e.id}`, data: encodeEvent(e), headers: {} },
      ]);
    const v2 = healthV2('spool_backlog');
    const hot = healthV2('temperature_high');
    const v3 = healthV2('spool_backlog', 'io.fieldops.rfid.station.health.v3');
    for (const e of [v2, hot, v3]) await publish(e);
    const dead = () =>
      bus
        .messages('fieldops-dlq.notify')
        .map((m) => JSON.parse(new TextDecoder().decode(m.data)) as DeadLetter);
    await until(() => seen.length === 1 && dead().length === 2);
    await consumer.stop();

    // The handler saw the event as v1: type, dataschema and data in v1's terms, health dropped.
    expect(seen[0]).toMatchObject({
      id: v2.id,
      type: 'io.fieldops.rfid.station.health.v1',
      dataschema: 'urn:fieldops:schema:events.v1.RfidStationHealth',
    });
    expect(seen[0]!.data).not.toHaveProperty('health');
    // …and notify made its alert from it.
    const alerts = engine.inspect().alerts;
    expect(alerts.map((a) => a.labels)).toContainEqual(
      expect.objectContaining({
        alertname: 'StationUnhealthy',
        condition: 'spool_backlog',
        station_id: STATION,
      }),
    );
    // temperature_high has no v1 meaning; v3 has no converter at all: both dead-lettered with why.
    const reasons = Object.fromEntries(dead().map((d) => [JSON.parse(d.message).id as string, d.reason]));
    expect(reasons[hot.id]).toBe(
      'cannot convert io.fieldops.rfid.station.health.v2 to v1 for consumer notify: events.v1.RfidStationHealth: data.condition: temperature_high has no v1 equivalent (v1 knows heartbeat_missed, spool_backlog, clock_skew, ingest_error_rate)',
    );
    expect(reasons[v3.id]).toBe(
      'no handler for io.fieldops.rfid.station.health.v3: consumer notify handles io.fieldops.rfid.station.health v1',
    );
    await engine.stop();
    await bus.close();
  });
});

describe("notify's sources", () => {
  it('read the v2 event through the converter on ingest too, and refuse what v1 cannot say', async () => {
    expect(Object.keys(DEFAULT_SOURCES)).toContain('io.fieldops.rfid.station.health.v2');
    const { engine } = engineWithRecorders(baseConfig());
    const result = await engine.ingest(healthV2('clock_skew'));
    expect(result).toMatchObject({ kind: 'alert' });
    expect(engine.inspect().alerts[0]?.labels).toMatchObject({
      condition: 'clock_skew',
      station_id: STATION,
    });
    await expect(engine.ingest(healthV2('temperature_high'))).rejects.toThrow(
      /events\.v1\.RfidStationHealth: data\.condition: temperature_high has no v1 equivalent/,
    );
    await engine.stop();
  });
});
