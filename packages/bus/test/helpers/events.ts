import type { BusEvent } from '../../src/index.js';

let counter = 0;

/** A valid `io.fieldops.registry.device.changed.v1` event with a fresh id. */
export function deviceChanged(overrides: Partial<BusEvent> = {}): BusEvent {
  counter++;
  return {
    specversion: '1.0',
    id: `evt-${Date.now().toString(36)}-${counter}`,
    source: '/sites/site_01J9Z8Q4XK6T3V2M1N0P9R8S7T/registry',
    type: 'io.fieldops.registry.device.changed.v1',
    time: new Date().toISOString(),
    data: { device_id: 'dev_01J9Z8Q4XK6T3V2M1N0P9R8S7T', change: 'updated', version: counter },
    ...overrides,
  };
}
