import type { RegionPlan } from '@fieldops/contracts/regions/v1';

/** Which concentrator HAL the forwarder runs. */
export type Concentrator = 'sx1302' | 'sx1301';

/** One channel placed on a radio. */
export interface PlacedChannel {
  freq_hz: number;
  radio: 0 | 1;
  if: number;
  mhz: string;
}

/** Radio centres and channel IFs of an eight-channel plan. */
export interface RadioLayout {
  radio0: number;
  radio1: number;
  channels: PlacedChannel[];
  loraStd: { radio: 0 | 1; if: number; freq_hz: number };
  fsk: { radio: 0 | 1; if: number; freq_hz: number };
}

/**
 * Places the plan's eight gateway channels on two radios, four each, with each radio centred on
 * its group (IFs of ±100 and ±300 kHz, well inside the ±0.4 MHz a 125 kHz channel allows). The
 * LoRa standard channel (SF7/250 kHz, DR6) sits on the second default channel; FSK (DR7) on
 * the fifth channel's frequency.
 */
export function buildRadioLayout(plan: RegionPlan): RadioLayout {
  const ch = plan.gateway_channels_hz;
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length / 100_000) * 100_000;
  const radio0 = mean(ch.slice(0, 4));
  const radio1 = mean(ch.slice(4, 8));
  const channels = ch.map((f, i) => {
    const radio = (i < 4 ? 0 : 1) as 0 | 1;
    return { freq_hz: f, radio, if: f - (radio === 0 ? radio0 : radio1), mhz: (f / 1e6).toFixed(1) };
  });
  const std = ch[1]!;
  const fsk = ch[4]!;
  return {
    radio0,
    radio1,
    channels,
    loraStd: { radio: 0, if: std - radio0, freq_hz: std },
    fsk: { radio: 1, if: fsk - radio1, freq_hz: fsk },
  };
}
