// Optional peer dependencies (gRPC for ChirpStack, handlebars for templates, msw for test kits) are
// loaded through `require`, not static imports: a static import of a missing package fails while the
// module graph is linked, before any of our code runs, with an error naming one package. Loading them
// here lets the entry fail at once with one error naming every package to install.
import { createRequire } from 'node:module';
import { FieldopsError } from '@fieldops/core';

const load = createRequire(import.meta.url);

/** The optional peers and the ranges the sdk is tested with (kept in step with package.json). */
export const PEER_RANGES = {
  '@grpc/grpc-js': '^1.14.7',
  '@chirpstack/chirpstack-api': '4.19.0',
  'google-protobuf': '3.21.4',
  handlebars: '^4.7.10',
  'smol-toml': '^1.9.1',
  pino: '^10.0.0',
  'pino-pretty': '^13.0.0',
} as const;

/** A peer package this sdk knows. */
export type PeerName = keyof typeof PEER_RANGES;

/** What `@fieldops/sdk/chirpstack` needs: gRPC and the ChirpStack stubs, handlebars and smol-toml for gateway configs. */
export const CHIRPSTACK_PEERS: readonly PeerName[] = [
  '@grpc/grpc-js',
  '@chirpstack/chirpstack-api',
  'google-protobuf',
  'handlebars',
  'smol-toml',
];

/** What `@fieldops/sdk/automation` (and the root entry) needs: handlebars for compose and postmortem templates. */
export const AUTOMATION_PEERS: readonly PeerName[] = ['handlebars'];

/** An entry of the sdk was imported without the optional peer dependencies it needs. */
export class MissingPeerError extends FieldopsError {
  override name = 'MissingPeerError';
  /** The packages to install. */
  readonly packages: readonly string[];
  constructor(entry: string, packages: readonly PeerName[]) {
    const specs = packages.map((p) => `${p}@${PEER_RANGES[p]}`);
    super(
      'missing_peer',
      `${entry} needs ${packages.join(', ')} (optional peer dependencies of @fieldops/sdk, not installed). ` +
        `Install them: npm install ${specs.join(' ')}`,
    );
    this.packages = packages;
  }
}

function installed(name: string): boolean {
  try {
    load.resolve(`${name}/package.json`);
    return true;
  } catch {
    try {
      load.resolve(name);
      return true;
    } catch {
      return false;
    }
  }
}

/** Throws one MissingPeerError naming every package of `peers` that is not installed. */
export function assertPeers(entry: string, peers: readonly PeerName[]): void {
  const missing = peers.filter((p) => !installed(p));
  if (missing.length > 0) throw new MissingPeerError(entry, missing);
}

/** Loads `specifier` (a peer or a path inside one) after checking the peers `entry` needs. */
export function requirePeer<T>(entry: string, peers: readonly PeerName[], specifier: string): T {
  assertPeers(entry, peers);
  return load(specifier) as T;
}
