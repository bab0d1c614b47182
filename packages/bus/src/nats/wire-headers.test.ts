import { headers } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { invalidHeader, WireHeaders } from './wire-headers.js';

const pairs = (): [string, string][] => [
  ['Nats-Msg-Id', '/sites/x evt-1'],
  ['ce-id', ' evt-1 '],
  ['ce-source', '/sites/x'],
  ['content-type', 'application/cloudevents+json'],
  ['ce-id', 'again'],
];

describe('WireHeaders', () => {
  it("encodes the bytes nats-core's own headers() would send for the same pairs", () => {
    // Distinct names, as the relay sends (nats-core groups a repeated name; WireHeaders writes it in place).
    const distinct = pairs().slice(0, 4);
    const reference = headers();
    for (const [k, v] of distinct) reference.append(k, v);
    const wire = new WireHeaders(distinct);
    expect(Buffer.from(wire.encode()).toString('utf8')).toBe(
      // MsgHdrsImpl.encode(): what nats-core's publish sends (not declared on the MsgHdrs interface).
      Buffer.from((reference as unknown as { encode(): Uint8Array }).encode()).toString('utf8'),
    );
  });

  it('reads back like MsgHdrs: first, last and all values, names in first-seen order, case-insensitive match', () => {
    const wire = new WireHeaders(pairs());
    expect(wire.get('ce-id')).toBe('evt-1');
    expect(wire.last('ce-id')).toBe('again');
    expect(wire.values('ce-id')).toEqual(['evt-1', 'again']);
    expect(wire.keys()).toEqual(['Nats-Msg-Id', 'ce-id', 'ce-source', 'content-type']);
    expect(wire.has('nats-msg-id')).toBe(false);
    expect(wire.get('nats-msg-id', 'insensitive')).toBe('/sites/x evt-1');
    expect([...wire].find(([k]) => k === 'ce-id')).toEqual(['ce-id', ['evt-1', 'again']]);
    expect(() => wire.set()).toThrow(TypeError);
  });

  it('names what cannot be a header: a value with a line break, a name with a colon or a space', () => {
    expect(invalidHeader(pairs())).toBeUndefined();
    expect(invalidHeader([['ce-id', 'a\r\nX-Injected: 1']])).toBe('header ce-id holds a line break');
    expect(invalidHeader([['ce:id', 'a']])).toBe('invalid header name "ce:id"');
    expect(invalidHeader([['ce id', 'a']])).toBe('invalid header name "ce id"');
  });
});
