import { describe, expect, it } from 'vitest';
import { AS923_PLANS, getRegionPlan, RegionPlan } from './v1.js';

// The table of DOMAIN.md (ChirpStack region_as923*.toml, LoRaWAN RP002).
const EXPECTED = {
  as923: {
    name: 'AS923-1',
    region: 7,
    channels: [923_200_000, 923_400_000],
    rx2: [923_200_000, 2],
    offset: 0,
  },
  as923_2: {
    name: 'AS923-2',
    region: 12,
    channels: [921_400_000, 921_600_000],
    rx2: [921_400_000, 0],
    offset: -1_800_000,
  },
  as923_3: {
    name: 'AS923-3',
    region: 13,
    channels: [916_600_000, 916_800_000],
    rx2: [916_600_000, 2],
    offset: -6_600_000,
  },
  as923_4: {
    name: 'AS923-4',
    region: 14,
    channels: [917_300_000, 917_500_000],
    rx2: [917_300_000, 2],
    offset: -5_900_000,
  },
} as const;

describe('AS923 plans', () => {
  it.each(Object.entries(EXPECTED))('%s matches the published plan', (id, e) => {
    const plan = AS923_PLANS[id as keyof typeof AS923_PLANS];
    expect(RegionPlan.parse(plan)).toEqual(plan);
    expect(plan.name).toBe(e.name);
    expect(plan.chirpstack_region).toBe(e.region);
    expect(plan.default_channels_hz).toEqual(e.channels);
    expect([plan.rx2.frequency_hz, plan.rx2.dr]).toEqual(e.rx2);
    expect(plan.offset_hz).toBe(e.offset);
    expect(plan.mqtt_topic_prefix).toBe(id);
    // Eight gateway channels at 200 kHz spacing, starting at the defaults, inside the band.
    expect(plan.gateway_channels_hz.slice(0, 2)).toEqual(e.channels);
    for (const f of plan.gateway_channels_hz) {
      expect(f).toBeGreaterThanOrEqual(plan.band_hz.min);
      expect(f).toBeLessThanOrEqual(plan.band_hz.max);
    }
    expect(plan.data_rates.map((d) => d.dr)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('finds a plan by ChirpStack id or display name', () => {
    expect(getRegionPlan('AS923-2')?.id).toBe('as923_2');
    expect(getRegionPlan('as923-1')?.id).toBe('as923');
    expect(getRegionPlan('as923_4')?.id).toBe('as923_4');
    expect(getRegionPlan('eu868')).toBeUndefined();
  });
});
