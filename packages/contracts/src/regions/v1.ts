import { z } from 'zod';
import { defineContract } from '../internal/contract.js';

/** The AS923 plans, by ChirpStack's region id. */
export const As923PlanId = defineContract(
  'regions',
  1,
  'As923PlanId',
  z.enum(['as923', 'as923_2', 'as923_3', 'as923_4'], {
    error: 'expected an AS923 plan: as923, as923_2, as923_3 or as923_4',
  }),
);
export type As923PlanId = z.infer<typeof As923PlanId>;

/** One LoRaWAN data rate. */
export const DataRate = defineContract(
  'regions',
  1,
  'DataRate',
  z.object({
    dr: z.int().min(0).max(15),
    modulation: z.enum(['LORA', 'FSK']),
    spreading_factor: z.int().min(5).max(12).optional(),
    bandwidth_khz: z.int().positive().optional(),
    bitrate_bps: z.int().positive().optional(),
  }),
);
export type DataRate = z.infer<typeof DataRate>;

/** An AS923 region plan: what a gateway and a device profile need to agree on. */
export const RegionPlan = defineContract(
  'regions',
  1,
  'RegionPlan',
  z.object({
    id: As923PlanId,
    name: z.string(),
    /** ChirpStack's `common.Region` enum value (AS923 = 7, AS923_2 = 12, AS923_3 = 13, AS923_4 = 14). */
    chirpstack_region: z.int(),
    /** Offset from AS923-1's frequencies, in Hz (RP002 AS923 "AS923_OFFSET"). */
    offset_hz: z.int(),
    /** The two default uplink channels every device joins on, in Hz. */
    default_channels_hz: z.array(z.int().positive()).length(2),
    /** The common eight-channel gateway plan (the defaults plus six at 200 kHz spacing), in Hz. */
    gateway_channels_hz: z.array(z.int().positive()).length(8),
    rx2: z.object({ frequency_hz: z.int().positive(), dr: z.int().min(0).max(7) }),
    /** The frequency range the plan's channels must stay inside, in Hz. */
    band_hz: z.object({ min: z.int().positive(), max: z.int().positive() }),
    data_rates: z.array(DataRate),
    /** The MQTT topic prefix ChirpStack Gateway Bridge uses for this region. */
    mqtt_topic_prefix: z.string(),
  }),
);
export type RegionPlan = z.infer<typeof RegionPlan>;

const MHZ = 1_000_000;
const khz = (mhz: number) => Math.round(mhz * 1000) * 1000;

const AS923_DATA_RATES: DataRate[] = [
  { dr: 0, modulation: 'LORA', spreading_factor: 12, bandwidth_khz: 125 },
  { dr: 1, modulation: 'LORA', spreading_factor: 11, bandwidth_khz: 125 },
  { dr: 2, modulation: 'LORA', spreading_factor: 10, bandwidth_khz: 125 },
  { dr: 3, modulation: 'LORA', spreading_factor: 9, bandwidth_khz: 125 },
  { dr: 4, modulation: 'LORA', spreading_factor: 8, bandwidth_khz: 125 },
  { dr: 5, modulation: 'LORA', spreading_factor: 7, bandwidth_khz: 125 },
  { dr: 6, modulation: 'LORA', spreading_factor: 7, bandwidth_khz: 250 },
  { dr: 7, modulation: 'FSK', bitrate_bps: 50_000 },
];

function plan(
  id: As923PlanId,
  name: string,
  chirpstackRegion: number,
  offsetMhz: number,
  rx2Dr: number,
  band: [number, number],
): RegionPlan {
  const first = khz(923.2 + offsetMhz);
  return {
    id,
    name,
    chirpstack_region: chirpstackRegion,
    offset_hz: Math.round(offsetMhz * 10) * 100_000,
    default_channels_hz: [first, first + 200_000],
    gateway_channels_hz: Array.from({ length: 8 }, (_, i) => first + i * 200_000),
    rx2: { frequency_hz: first, dr: rx2Dr },
    band_hz: { min: Math.round(band[0] * MHZ), max: Math.round(band[1] * MHZ) },
    data_rates: AS923_DATA_RATES,
    mqtt_topic_prefix: id,
  };
}

/**
 * The four AS923 plans (LoRaWAN RP002; ChirpStack `region_as923*.toml`). AS923-2's RX2 data rate is
 * DR0 in ChirpStack's shipped configuration (DR2 in its code default); we follow the shipped file.
 * `band_hz` is the range the checks keep channels inside: the AS923 915–928 MHz band for AS923-1, and
 * the national allocations the other plans exist for (AS923-2 920–923, AS923-3 915–921, AS923-4 917–920).
 */
export const AS923_PLANS: Readonly<Record<As923PlanId, RegionPlan>> = {
  as923: plan('as923', 'AS923-1', 7, 0, 2, [915, 928]),
  as923_2: plan('as923_2', 'AS923-2', 12, -1.8, 0, [920, 923]),
  as923_3: plan('as923_3', 'AS923-3', 13, -6.6, 2, [915, 921]),
  as923_4: plan('as923_4', 'AS923-4', 14, -5.9, 2, [917, 920]),
};

/** The plan for a ChirpStack region id (`as923_2`) or a display name (`AS923-2`, `as923-2`). */
export function getRegionPlan(idOrName: string): RegionPlan | undefined {
  const key = idOrName.trim().toLowerCase().replace(/-/g, '_');
  const normalized = key === 'as923_1' ? 'as923' : key;
  return (AS923_PLANS as Record<string, RegionPlan>)[normalized];
}
