import { z } from 'zod';
import { ContractError } from '../errors.js';
import { defineContract } from '../internal/contract.js';

/** The prefix of each kind of id, as the system description fixes them. */
export const ID_PREFIXES = {
  customer: 'cus',
  site: 'site',
  deployment: 'dep',
  device: 'dev',
  gateway: 'gw',
  run: 'run',
  station: 'stn',
} as const;

/** One of `cus`, `site`, `dep`, `dev`, `gw`, `run`, `stn`. */
export type IdPrefix = (typeof ID_PREFIXES)[keyof typeof ID_PREFIXES];

// The suffix: what our generator makes is 26 characters of lower-case Crockford base32 (a 48-bit
// millisecond timestamp then 80 random bits, so ids sort by creation time). Ids minted by the CRM
// before fieldops existed are accepted too, as long as they are 4 to 64 letters and digits: the
// registry is the system of record and we do not rewrite its ids.
const SUFFIX = '[0-9A-Za-z]{4,64}';

function idSchema<B extends string>(prefix: IdPrefix, _brand: B) {
  const pattern = new RegExp(`^${prefix}_${SUFFIX}$`);
  const message = `expected an id starting ${prefix}_`;
  return z
    .string({ error: message })
    .regex(pattern, { error: message })
    .meta({ description: `An id starting ${prefix}_ followed by 4–64 letters or digits.` })
    .brand<B>();
}

/** `cus_…` */
export const CustomerId = defineContract('ids', 1, 'CustomerId', idSchema('cus', 'CustomerId'));
/** `site_…` */
export const SiteId = defineContract('ids', 1, 'SiteId', idSchema('site', 'SiteId'));
/** `dep_…` */
export const DeploymentId = defineContract('ids', 1, 'DeploymentId', idSchema('dep', 'DeploymentId'));
/** `dev_…`: the one device id used everywhere. */
export const DeviceId = defineContract('ids', 1, 'DeviceId', idSchema('dev', 'DeviceId'));
/** `gw_…` */
export const GatewayId = defineContract('ids', 1, 'GatewayId', idSchema('gw', 'GatewayId'));
/** `run_…`: an automation run. */
export const RunId = defineContract('ids', 1, 'RunId', idSchema('run', 'RunId'));
/** `stn_…`: an RFID station. */
export const StationId = defineContract('ids', 1, 'StationId', idSchema('stn', 'StationId'));

export type CustomerId = z.infer<typeof CustomerId>;
export type SiteId = z.infer<typeof SiteId>;
export type DeploymentId = z.infer<typeof DeploymentId>;
export type DeviceId = z.infer<typeof DeviceId>;
export type GatewayId = z.infer<typeof GatewayId>;
export type RunId = z.infer<typeof RunId>;
export type StationId = z.infer<typeof StationId>;

/** Maps a prefix to its branded id type. */
export interface IdTypes {
  cus: CustomerId;
  site: SiteId;
  dep: DeploymentId;
  dev: DeviceId;
  gw: GatewayId;
  run: RunId;
  stn: StationId;
}

const SCHEMAS: Record<IdPrefix, z.ZodType<string>> = {
  cus: CustomerId,
  site: SiteId,
  dep: DeploymentId,
  dev: DeviceId,
  gw: GatewayId,
  run: RunId,
  stn: StationId,
};

const NAMES: Record<IdPrefix, string> = {
  cus: 'CustomerId',
  site: 'SiteId',
  dep: 'DeploymentId',
  dev: 'DeviceId',
  gw: 'GatewayId',
  run: 'RunId',
  stn: 'StationId',
};

/** The zod schema of ids with `prefix`. */
export function idSchemaFor<P extends IdPrefix>(prefix: P): z.ZodType<IdTypes[P]> {
  return SCHEMAS[prefix] as unknown as z.ZodType<IdTypes[P]>;
}

/** Parses an id with the expected prefix; throws ContractError (`ids.v1.DeviceId: (root): expected an id starting dev_`). */
export function parseId<P extends IdPrefix>(prefix: P, value: unknown): IdTypes[P] {
  const result = SCHEMAS[prefix].safeParse(value);
  if (result.success) return result.data as IdTypes[P];
  throw new ContractError(`ids.v1.${NAMES[prefix]}`, [
    { path: [], message: `expected an id starting ${prefix}_`, code: 'invalid_format' },
  ]);
}

/** True when `value` is an id with `prefix`. */
export function isId<P extends IdPrefix>(prefix: P, value: unknown): value is IdTypes[P] {
  return SCHEMAS[prefix].safeParse(value).success;
}

/** What an id generator may be given, so tests can fix the clock and the random source. */
export interface IdGeneratorOptions {
  /** Milliseconds since the epoch; defaults to `Date.now`. */
  now?: () => number;
  /** Fills `bytes` with random bytes; defaults to `crypto.getRandomValues`. */
  random?: (bytes: Uint8Array) => void;
}

/** Generates ids of any prefix. */
export type IdGenerator = <P extends IdPrefix>(prefix: P) => IdTypes[P];

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10;
const RANDOM_BYTES = 10; // 80 bits

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits -> 16 base32 characters, 5 bits each, most significant first.
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

function increment(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const v = bytes[i]!;
    if (v < 255) {
      bytes[i] = v + 1;
      return true;
    }
    bytes[i] = 0;
  }
  return false;
}

/**
 * Creates an id generator: `prefix_` + 10 characters of time + 16 of randomness (80 bits), all
 * lower-case Crockford base32. Ids made by one generator sort in creation order, also within one
 * millisecond (the random part is incremented, as ULID's monotonic mode does).
 */
export function createIdGenerator(options: IdGeneratorOptions = {}): IdGenerator {
  const now = options.now ?? Date.now;
  const random = options.random ?? ((b: Uint8Array) => globalThis.crypto.getRandomValues(b));
  let lastTime = -1;
  const last = new Uint8Array(RANDOM_BYTES);
  return <P extends IdPrefix>(prefix: P): IdTypes[P] => {
    if (!(prefix in SCHEMAS)) {
      throw new TypeError(`@fieldops/contracts: unknown id prefix ${JSON.stringify(prefix)}`);
    }
    let time = Math.max(0, Math.floor(now()));
    if (time > 0xffff_ffff_ffff) throw new RangeError('@fieldops/contracts: clock beyond the id time range');
    if (time <= lastTime) {
      time = lastTime;
      if (!increment(last)) {
        time += 1; // 2^80 ids in one millisecond: move on to the next one
        random(last);
      }
    } else {
      random(last);
    }
    lastTime = time;
    return `${prefix}_${encodeTime(time)}${encodeRandom(last)}` as IdTypes[P];
  };
}

/** The default generator (system clock, crypto random). */
export const newId: IdGenerator = createIdGenerator();

/** The creation time encoded in an id made by {@link createIdGenerator}, or undefined for other ids. */
export function idTimestamp(id: string): Date | undefined {
  const suffix = id.slice(id.indexOf('_') + 1);
  if (!/^[0-9a-hjkmnp-tv-z]{26}$/.test(suffix)) return undefined;
  let ms = 0;
  for (const ch of suffix.slice(0, TIME_CHARS)) ms = ms * 32 + ALPHABET.indexOf(ch);
  return new Date(ms);
}
