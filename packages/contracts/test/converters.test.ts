import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ALL_CONVERTERS,
  ContractError,
  convertEvent,
  downEventBatch,
  downStationHealthEvent,
  downStationStatus,
  getContractSchema,
  getJsonSchema,
  upStationHealthEvent,
  upStationStatus,
} from '../src/index.js';
import { arbitraryFromJsonSchema } from './support/arbitrary.js';

// Converters between adjacent versions, checked both ways on values drawn from the generated JSON
// Schemas (what a third party would send), filtered through the zod schema for the rules JSON Schema
// cannot express.

const SEED = Number(process.env.FC_SEED ?? 20261130);

function valid(id: string): fc.Arbitrary<unknown> {
  const schema = getContractSchema(id);
  return arbitraryFromJsonSchema(getJsonSchema(id))
    .map((v) => schema.safeParse(v))
    .filter((r) => r.success)
    .map((r) => (r as { data: unknown }).data);
}

const RUNS = { numRuns: 150, seed: SEED };

describe('rfid StationStatus v1 ⇄ v2', () => {
  it('up then down gives the v1 status back unchanged', () => {
    fc.assert(
      fc.property(valid('rfid.v1.StationStatus'), (s) => {
        const up = upStationStatus.convert(s);
        expect(up.health).toBeNull();
        expect(downStationStatus.convert(up)).toEqual(s);
      }),
      RUNS,
    );
  });

  it('down then up keeps every v1 field and only the health is lost', () => {
    fc.assert(
      fc.property(valid('rfid.v2.StationStatus'), (s) => {
        const status = s as Record<string, unknown> & { health: Record<string, unknown> | null };
        const back = upStationStatus.convert(downStationStatus.convert(status)) as typeof status;
        const { health: _a, queue_depth: qa, firmware_version: fa, ...restA } = status;
        const { health, queue_depth: qb, firmware_version: fb, ...restB } = back;
        expect(health).toBeNull();
        expect(restB).toEqual(restA);
        // v1's own fields win; when absent, the health report fills them.
        expect(qb).toEqual(qa ?? status.health?.queue_depth);
        expect(fb).toEqual(fa ?? status.health?.firmware_version);
      }),
      RUNS,
    );
  });
});

describe('rfid EventBatch v2 → v1', () => {
  it('keeps every event in order and drops the health', () => {
    fc.assert(
      fc.property(valid('rfid.v2.EventBatch'), (b) => {
        const batch = b as { events: unknown[]; health: unknown };
        const down = downEventBatch.convert(batch);
        expect(down).toEqual({ events: batch.events });
      }),
      { ...RUNS, numRuns: 40 },
    );
  });

  it('refuses a batch that is not a v2 batch, naming rfid.v2.EventBatch and the field', () => {
    expect(() => downEventBatch.convert({ events: [] })).toThrow(ContractError);
    try {
      downEventBatch.convert({ events: [] });
    } catch (error) {
      expect((error as ContractError).contract).toBe('rfid.v2.EventBatch');
      expect((error as ContractError).message).toMatch(/rfid\.v2\.EventBatch: events: /);
    }
  });
});

describe('io.fieldops.rfid.station.health v1 ⇄ v2', () => {
  it('up then down gives the v1 event back unchanged', () => {
    fc.assert(
      fc.property(valid('events.v1.RfidStationHealth'), (e) => {
        const up = upStationHealthEvent.convert(e) as { type: string; dataschema?: string };
        expect(up.type).toBe('io.fieldops.rfid.station.health.v2');
        const { dataschema: d1, ...a } = e as Record<string, unknown>;
        // A dataschema, when the producer set one, names the version the event now is.
        expect(up.dataschema).toBe(
          d1 === undefined ? undefined : 'urn:fieldops:schema:events.v2.RfidStationHealth',
        );
        const down = downStationHealthEvent.convert(up) as Record<string, unknown>;
        const { dataschema: d2, ...b } = down;
        expect(b).toEqual(a);
        expect(d2).toBe(d1 === undefined ? undefined : 'urn:fieldops:schema:events.v1.RfidStationHealth');
      }),
      RUNS,
    );
  });

  it('down then up loses only the health; temperature_high is refused naming the v1 contract and data.condition', () => {
    let refused = 0;
    let converted = 0;
    fc.assert(
      fc.property(valid('events.v2.RfidStationHealth'), (e) => {
        const event = e as { data: Record<string, unknown> };
        if (event.data.condition === 'temperature_high') {
          refused += 1;
          let caught: unknown;
          try {
            downStationHealthEvent.convert(event);
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(ContractError);
          expect((caught as ContractError).contract).toBe('events.v1.RfidStationHealth');
          expect((caught as ContractError).message).toContain('data.condition: temperature_high has no v1');
          return;
        }
        converted += 1;
        const back = upStationHealthEvent.convert(downStationHealthEvent.convert(event)) as typeof event;
        const same = (x: typeof event) => ({ ...x, dataschema: undefined, data: { ...x.data, health: 'x' } });
        expect(same(back)).toEqual(same(event));
        expect(back.data.health).toBeNull();
      }),
      RUNS,
    );
    // The generated data exercises both paths.
    expect(refused).toBeGreaterThan(0);
    expect(converted).toBeGreaterThan(0);
  });

  it('convertEvent chains converters and refuses versions nothing joins', () => {
    const v2 = {
      specversion: '1.0',
      id: 'e-1',
      source: '/sites/site_01/rfid',
      type: 'io.fieldops.rfid.station.health.v2',
      data: {
        station_id: 'stn_01hzy3k2m4n5p6q7r8s9t0v1w2',
        condition: 'spool_backlog',
        status: 'firing',
        value: 600,
        threshold: 500,
        health: null,
      },
    };
    expect(convertEvent(v2, 1)).toMatchObject({ type: 'io.fieldops.rfid.station.health.v1' });
    expect(() => convertEvent({ ...v2, type: 'io.fieldops.rfid.station.health.v3' }, 1)).toThrow(
      /no converter joins io\.fieldops\.rfid\.station\.health\.v3 to io\.fieldops\.rfid\.station\.health\.v1/,
    );
  });
});

describe('the converter catalog', () => {
  it('joins only adjacent versions and every converter names what it drops', () => {
    for (const c of ALL_CONVERTERS) {
      expect(Math.abs(c.to - c.from)).toBe(1);
      expect(c.note.length).toBeGreaterThan(0);
    }
  });
});
