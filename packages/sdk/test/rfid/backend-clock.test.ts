import { describe, expect, it } from 'vitest';
import { createMemoryRegistryBackend } from '../../src/registry/index.js';
import { createMemoryIdempotencyStore, createMemoryRfidBackend } from '../../src/rfid/index.js';

// Issue 12, item 4: one way to pass time. The provider backends read core's `Clock`; the older
// `now` option is a deprecated alias, ignored when a clock is given.
const AT = Date.parse('2031-05-06T07:08:09.000Z');
const deprecatedNow = () => 0;

describe("provider backends read core's Clock", () => {
  it('the memory registry and RFID backends stamp their health with the Clock', async () => {
    const clock = { now: () => AT };
    const registry = createMemoryRegistryBackend({ clock, now: deprecatedNow });
    const rfid = createMemoryRfidBackend({ clock, now: deprecatedNow });
    expect((await registry.health()).time).toBe('2031-05-06T07:08:09.000Z');
    expect((await rfid.health()).time).toBe('2031-05-06T07:08:09.000Z');
  });

  it('the idempotency store expires claims by the Clock', async () => {
    let t = AT;
    const store = createMemoryIdempotencyStore({
      clock: { now: () => t },
      now: deprecatedNow,
      inFlightTtlMs: 1_000,
    });
    await store.begin('k', 'f');
    t = AT + 999;
    expect((await store.begin('k', 'f')).kind).toBe('in_flight');
    t = AT + 1_001;
    expect((await store.begin('k', 'f')).kind).toBe('started');
  });

  it('the deprecated `now` still works without a clock', async () => {
    const registry = createMemoryRegistryBackend({ now: () => AT });
    expect((await registry.health()).time).toBe('2031-05-06T07:08:09.000Z');
  });
});
