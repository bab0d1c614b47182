import { z } from 'zod';
import { defineContract } from '../internal/contract.js';

/** Where a port may be reached from. */
export const PortScope = defineContract('ports', 1, 'PortScope', z.enum(['site_lan', 'central']));
export type PortScope = z.infer<typeof PortScope>;

/** One baseline port. */
export const PortSpec = defineContract(
  'ports',
  1,
  'PortSpec',
  z.object({
    name: z.string(),
    protocol: z.enum(['udp', 'tcp']),
    port: z.int().min(1).max(65535),
    schemes: z.array(z.enum(['http', 'https', 'grpc'])).optional(),
    scope: PortScope,
    description: z.string(),
  }),
);
export type PortSpec = z.infer<typeof PortSpec>;

/** The baseline of the system description, §7. */
export const PORTS = {
  chirpstack_gateway_bridge: {
    name: 'chirpstack_gateway_bridge',
    protocol: 'udp',
    port: 1700,
    scope: 'site_lan',
    description: 'Semtech UDP packet forwarder to ChirpStack Gateway Bridge, on the site LAN.',
  },
  chirpstack_api: {
    name: 'chirpstack_api',
    protocol: 'tcp',
    port: 8080,
    schemes: ['grpc', 'http'],
    scope: 'site_lan',
    description: 'ChirpStack v4 gRPC API and web UI (the site instance is authoritative).',
  },
  chirpstack_mqtt: {
    name: 'chirpstack_mqtt',
    protocol: 'tcp',
    port: 1883,
    scope: 'site_lan',
    description:
      'Mosquitto broker of the site stack (Gateway Bridge, ChirpStack integration, fieldops-agent), site LAN only.',
  },
  rfid_backend_http: {
    name: 'rfid_backend_http',
    protocol: 'tcp',
    port: 80,
    schemes: ['http'],
    scope: 'site_lan',
    description: 'RFID backend API over HTTP; station ingest is never exposed to the internet.',
  },
  rfid_backend_https: {
    name: 'rfid_backend_https',
    protocol: 'tcp',
    port: 443,
    schemes: ['https'],
    scope: 'site_lan',
    description: 'RFID backend API over HTTPS, site LAN only.',
  },
  central_ops_https: {
    name: 'central_ops_https',
    protocol: 'tcp',
    port: 443,
    schemes: ['https', 'http'],
    scope: 'central',
    description: 'Central ops APIs (CRM/PM, dashboards) over HTTP/HTTPS.',
  },
} as const satisfies Record<string, PortSpec>;

/** Names of the baseline ports. */
export type PortName = keyof typeof PORTS;

/** How an address is reachable. */
export type AddressClass =
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'unique_local'
  | 'unspecified'
  | 'public'
  | 'hostname';

function ipv4(address: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** The eight hextets of an IPv6 address (`::` expanded, a trailing dotted IPv4 read), or undefined. */
function ipv6(address: string): number[] | undefined {
  let text = address;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone); // fe80::1%eth0: the zone does not change the class
  let tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4(dotted[2]!);
    if (!v4) return undefined;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    text = dotted[1]!.endsWith('::') ? dotted[1]! : dotted[1]!.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const read = (part: string) => (part === '' ? [] : part.split(':'));
  const head = read(halves[0]!);
  const rest = halves.length === 2 ? read(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const zeros = new Array<number>(8 - given).fill(0);
  const hex = (groups: string[]) => groups.map((g) => Number.parseInt(g, 16));
  return [...hex(head), ...(halves.length === 2 ? zeros : []), ...hex(rest), ...tail];
}

/**
 * Classifies a literal IP address (IPv4, IPv6, IPv4-mapped IPv6) without any lookup; anything else
 * is a `hostname`, which a caller must resolve before trusting it.
 */
export function classifyAddress(address: string): AddressClass {
  let a = address.trim().toLowerCase();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  if (a === 'localhost' || a.endsWith('.localhost')) return 'loopback';
  if (a === '0.0.0.0' || a === '::') return 'unspecified'; // a bind to every interface, not an address to reach
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  const v4 = ipv4(mapped ? mapped[1]! : a);
  if (v4) {
    const [x, y] = v4 as [number, number, number, number];
    if (x === 127) return 'loopback';
    if (x === 10 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168)) return 'private';
    if (x === 100 && y >= 64 && y <= 127) return 'private'; // carrier-grade NAT, RFC 6598
    if (x === 169 && y === 254) return 'link_local';
    return 'public';
  }
  if (a.includes(':')) {
    // Parsed into hextets, never matched by text prefix: `fd::1` is 00fd::1 (public), not fd00::/8.
    const h = ipv6(a);
    if (!h) return 'public'; // not an address we can read: never trusted as LAN
    if (h.every((x) => x === 0)) return 'unspecified';
    if (h.slice(0, 7).every((x) => x === 0) && h[7] === 1) return 'loopback';
    if ((h[0]! & 0xffc0) === 0xfe80) return 'link_local'; // fe80::/10
    if ((h[0]! & 0xfe00) === 0xfc00) return 'unique_local'; // fc00::/7
    return 'public';
  }
  return 'hostname';
}

/** True for loopback, private, link-local and unique-local addresses: what a site LAN uses. */
export function isLanAddress(address: string): boolean {
  const c = classifyAddress(address);
  return c === 'loopback' || c === 'private' || c === 'link_local' || c === 'unique_local';
}

/** A planned listener or endpoint, checked against the baseline. */
export interface PortUse {
  name: PortName;
  /** The address it binds or is reached at (`0.0.0.0` binds every interface). */
  address: string;
  port: number;
  protocol?: 'udp' | 'tcp';
  /** True when the host is reachable from the internet (a public address or a port forward). */
  exposedToInternet?: boolean;
}

/** Checks planned ports against the baseline; returns one message per violation (empty when fine). */
export function checkPorts(uses: readonly PortUse[]): string[] {
  const problems: string[] = [];
  for (const use of uses) {
    const spec: PortSpec = PORTS[use.name];
    if (use.protocol && use.protocol !== spec.protocol) {
      problems.push(`${use.name}: expected ${spec.protocol}, got ${use.protocol}`);
    }
    if (use.name === 'chirpstack_gateway_bridge' && use.port !== spec.port) {
      problems.push(`${use.name}: packet forwarders expect UDP/${spec.port}, got ${use.port}`);
    }
    if (spec.scope === 'site_lan') {
      const cls = classifyAddress(use.address);
      if (use.exposedToInternet || cls === 'public') {
        problems.push(
          `${use.name}: must stay on the site LAN, but ${use.address}:${use.port} is reachable from the internet`,
        );
      }
    }
  }
  return problems;
}
