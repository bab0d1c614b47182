// The lifecycle of every contract version: when it appeared, whether it is deprecated and when it is
// switched off, and which package versions speak it. Plain data: the provider handlers send the
// `Deprecation` / `Sunset` headers from it, clients warn from those headers, and `pnpm generate`
// renders it (with the converters) into generated/versions.json, which the website's compatibility
// matrix and contract pages read.

/** A deprecated contract version: from when (RFC 9745 `Deprecation`) and until when it is served (RFC 8594 `Sunset`). */
export interface Deprecation {
  /** RFC 3339 instant from which the version is deprecated (may be in the future). */
  readonly deprecatedAt: string;
  /** RFC 3339 instant after which servers may stop answering this version; never before `deprecatedAt`. */
  readonly sunsetAt: string;
  /** Where the migration notice lives (sent as `Link: <…>; rel="deprecation"`). */
  readonly link: string;
  /** The version to move to. */
  readonly successor: number;
}

/** One version of one integration point. */
export interface ContractVersionInfo {
  readonly point: string;
  readonly version: number;
  /** `current`: the newest; `supported`: older but not deprecated; `deprecated`: see `deprecation`. */
  readonly status: 'current' | 'supported' | 'deprecated';
  /** What changed against the previous version (empty for v1). */
  readonly summary: string;
  /** Package name → the first version of that package that speaks this contract version. */
  readonly spokenBy: Readonly<Record<string, string>>;
  readonly deprecation?: Deprecation;
}

const NOTICE =
  'https://github.com/fieldops/fieldops/blob/main/docs/decisions/0026-contract-versions-side-by-side.md';

/** The versions of the points that have more than one, or a lifecycle worth stating. */
export const CONTRACT_VERSIONS: readonly ContractVersionInfo[] = [
  {
    point: 'rfid',
    version: 1,
    status: 'deprecated',
    summary: 'Claim, idempotent event ingest, station status, mapping, token re-issue.',
    spokenBy: { '@fieldops/contracts': '1.0.0', '@fieldops/sdk': '0.1.0' },
    deprecation: {
      deprecatedAt: '2026-12-01T00:00:00Z',
      sunsetAt: '2027-06-30T23:59:59Z',
      link: NOTICE,
      successor: 2,
    },
  },
  {
    point: 'rfid',
    version: 2,
    status: 'current',
    summary:
      "A station's event batches carry its health (queue depth, temperature, firmware, clock offset; optional, so a commissioning batch sent for the station carries none); the status answer reports the last one.",
    spokenBy: { '@fieldops/contracts': '1.1.0', '@fieldops/sdk': '0.2.0' },
  },
  {
    point: 'events:io.fieldops.rfid.station.health',
    version: 1,
    status: 'supported',
    summary: 'A station health condition fires or resolves.',
    spokenBy: { '@fieldops/contracts': '1.0.0', '@fieldops/bus': '0.1.0', '@fieldops/notify': '0.1.0' },
  },
  {
    point: 'events:io.fieldops.rfid.station.health',
    version: 2,
    status: 'current',
    summary:
      'Adds the station health snapshot (queue depth, temperature, firmware, clock offset) and the temperature_high condition.',
    spokenBy: { '@fieldops/contracts': '1.1.0', '@fieldops/bus': '0.2.0', '@fieldops/notify': '0.2.0' },
  },
];

/** The lifecycle entry of `point` version `version`, or undefined when none is recorded. */
export function contractVersionInfo(point: string, version: number): ContractVersionInfo | undefined {
  return CONTRACT_VERSIONS.find((v) => v.point === point && v.version === version);
}

/** RFC 9745 §2: the `Deprecation` field value, a Structured Field Date (`@` + seconds since the epoch). */
export function deprecationHeaderValue(d: Deprecation): string {
  return `@${Math.floor(Date.parse(d.deprecatedAt) / 1000)}`;
}

/** RFC 8594 §3: the `Sunset` field value, an HTTP-date (IMF-fixdate). */
export function sunsetHeaderValue(d: Deprecation): string {
  return new Date(Date.parse(d.sunsetAt)).toUTCString();
}

/** The `Link` field value pointing at the notice (RFC 9745 §3 `deprecation`, RFC 8594 §6 `sunset`). */
export function deprecationLinkValue(d: Deprecation): string {
  return `<${d.link}>; rel="deprecation"; type="text/html", <${d.link}>; rel="sunset"; type="text/html"`;
}

/** The three response headers a server of a deprecated version sends. */
export function deprecationHeaders(d: Deprecation): Record<string, string> {
  return {
    deprecation: deprecationHeaderValue(d),
    sunset: sunsetHeaderValue(d),
    link: deprecationLinkValue(d),
  };
}
