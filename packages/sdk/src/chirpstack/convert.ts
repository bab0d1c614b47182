import type { GatewayState, MacVersion, RegParamsRevision } from '@fieldops/contracts/chirpstack/v1';
import type { As923PlanId } from '@fieldops/contracts/regions/v1';
import type { Message } from 'google-protobuf';
import { timestampPb } from './proto.js';
import type { Aggregation, MetricSeries, PayloadCodec, SecretInput, SecretValue } from './types.js';

// Conversions between jspb messages and plain objects. Internal: nothing here is exported from
// the package, so jspb types never reach a caller.

type Timestamp = InstanceType<typeof timestampPb.Timestamp>;

/** A protobuf Timestamp -> Date (null when unset). */
export function toDate(ts: Timestamp | undefined): Date | null {
  if (!ts) return null;
  return new Date(ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6));
}

/** A Date or ISO string -> protobuf Timestamp. */
export function toTimestamp(value: Date | string): Timestamp {
  const date = typeof value === 'string' ? new Date(value) : value;
  const ts = new timestampPb.Timestamp();
  const ms = date.getTime();
  ts.setSeconds(Math.floor(ms / 1000));
  ts.setNanos((ms % 1000) * 1e6);
  return ts;
}

/** Lower-case hex without separators: how EUIs travel. */
export function normalizeEui(eui: string): string {
  return eui.replace(/[:-]/g, '').toLowerCase();
}

/** A jspb string map -> a plain record. */
export function mapToRecord(map: {
  forEach(cb: (v: string, k: string) => void): void;
}): Record<string, string> {
  const out: Record<string, string> = {};
  map.forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/** Fills a jspb string map from a record (clearing it first). */
export function fillMap(
  map: { clear(): void; set(k: string, v: string): unknown },
  record: Record<string, string> | undefined,
): void {
  map.clear();
  for (const [k, v] of Object.entries(record ?? {})) map.set(k, v);
}

const REGIONS: Record<As923PlanId, number> = { as923: 7, as923_2: 12, as923_3: 13, as923_4: 14 };

/** Contract region id -> ChirpStack `common.Region`. */
export function regionToPb(region: As923PlanId): number {
  return REGIONS[region] ?? 0;
}
/** ChirpStack `common.Region` -> contract region id (`other` outside AS923). */
export function regionFromPb(value: number): As923PlanId | 'other' {
  const hit = Object.entries(REGIONS).find(([, v]) => v === value);
  return (hit?.[0] as As923PlanId | undefined) ?? 'other';
}

const MAC_VERSIONS: MacVersion[] = [
  'LORAWAN_1_0_0',
  'LORAWAN_1_0_1',
  'LORAWAN_1_0_2',
  'LORAWAN_1_0_3',
  'LORAWAN_1_0_4',
  'LORAWAN_1_1_0',
];
/** MacVersion <-> `common.MacVersion`. */
export const macVersionToPb = (v: MacVersion): number => MAC_VERSIONS.indexOf(v);
/** `common.MacVersion` -> MacVersion. */
export const macVersionFromPb = (n: number): MacVersion => MAC_VERSIONS[n] ?? 'LORAWAN_1_0_0';

const REVISIONS: RegParamsRevision[] = [
  'A',
  'B',
  'RP002_1_0_0',
  'RP002_1_0_1',
  'RP002_1_0_2',
  'RP002_1_0_3',
  'RP002_1_0_4',
];
/** RegParamsRevision -> `common.RegParamsRevision`. */
export const revisionToPb = (v: RegParamsRevision): number => REVISIONS.indexOf(v);
/** `common.RegParamsRevision` -> RegParamsRevision. */
export const revisionFromPb = (n: number): RegParamsRevision | 'other' => REVISIONS[n] ?? 'other';

const CODECS: PayloadCodec[] = ['none', 'cayenne_lpp', 'js'];
/** Codec -> `CodecRuntime`. */
export const codecToPb = (c: PayloadCodec): number => CODECS.indexOf(c);
/** `CodecRuntime` -> codec. */
export const codecFromPb = (n: number): PayloadCodec => CODECS[n] ?? 'none';

const STATES: GatewayState[] = ['never_seen', 'online', 'offline'];
/** `GatewayState` -> contract state. */
export const gatewayStateFromPb = (n: number): GatewayState => STATES[n] ?? 'never_seen';
/** Contract state -> `GatewayState`. */
export const gatewayStateToPb = (s: GatewayState): number => STATES.indexOf(s);

const AGGREGATIONS: Record<Aggregation, number> = { hour: 0, day: 1, month: 2, minute: 3 };
/** Aggregation -> `common.Aggregation`. */
export const aggregationToPb = (a: Aggregation): number => AGGREGATIONS[a];

/** A `common.Metric` -> MetricSeries. */
export function metricFromPb(
  m:
    | {
        getName(): string;
        getKind(): number;
        getTimestampsList(): Timestamp[];
        getDatasetsList(): { getLabel(): string; getDataList(): number[] }[];
      }
    | undefined,
): MetricSeries | null {
  if (!m) return null;
  const kinds = ['counter', 'absolute', 'gauge'] as const;
  return {
    name: m.getName(),
    kind: kinds[m.getKind()] ?? 'gauge',
    timestamps: m.getTimestampsList().map((t) => toDate(t) ?? new Date(0)),
    datasets: m.getDatasetsList().map((d) => ({ label: d.getLabel(), data: d.getDataList() })),
  };
}

/** The value of a secret input, at the last moment. */
export function revealSecret(value: SecretInput | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : value.reveal();
}

/** Wraps a secret read from the server so it prints as `[redacted]`. */
export function secretValue(value: string): SecretValue {
  const holder = Object.create(null) as SecretValue;
  Object.defineProperties(holder, {
    reveal: { value: () => value },
    toString: { value: () => '[redacted]' },
    toJSON: { value: () => '[redacted]' },
    [Symbol.for('nodejs.util.inspect.custom')]: { value: () => '[redacted]' },
  });
  return holder;
}

/** Any jspb message (for generic plumbing). */
export type AnyMessage = Message;
