// withoutField against the real @chirpstack/chirpstack-api messages: cutting UplinkEvent's `object`
// (field 11) leaves every other field as the real decoder reads it.
import { describe, expect, it } from 'vitest';
import { integrationPb } from '../src/mqtt/proto.js';
import { withoutField } from '../src/mqtt/skip-field.js';
import { encodeUplink } from './fake-chirpstack-publisher.js';

const device = {
  devEui: '70b3d57ed0000009',
  name: 'freezer 9',
  tags: { fieldops_device_id: 'dev_0000abcd' },
};
const uplink = (object?: Record<string, unknown>) =>
  encodeUplink(device, {
    fCnt: 42,
    data: new Uint8Array([1, 2, 3, 4]),
    ...(object ? { object } : {}),
    rssi: [-97, -84],
    time: new Date('2026-11-30T10:00:00Z'),
    dedup: 'dd-1',
  });
const decode = (bytes: Uint8Array) => integrationPb.UplinkEvent.deserializeBinary(bytes);

describe('withoutField', () => {
  it('cuts the object Struct (field 11) and nothing else', () => {
    const full = uplink({ temperature: -18.2, door: 'closed' });
    expect(decode(full).hasObject()).toBe(true);
    const cut = withoutField(full, 11);
    expect(cut.length).toBeLessThan(full.length);
    const m = decode(cut);
    expect(m.hasObject()).toBe(false);
    const { object: _, ...rest } = decode(full).toObject();
    expect(m.toObject()).toEqual({ ...rest, object: undefined });
  });

  it('returns the payload itself when the field is absent or the bytes are not Protobuf', () => {
    const plain = uplink();
    expect(withoutField(plain, 11)).toBe(plain);
    const truncated = uplink({ a: 1 }).subarray(0, 20);
    expect(withoutField(truncated, 11)).toBe(truncated);
    const json = new TextEncoder().encode('{"deduplicationId":"x"}');
    expect(withoutField(json, 11)).toBe(json);
  });
});
