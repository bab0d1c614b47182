import { SecretError, type SecretProvider, type TokenSource, tokenValue } from '@fieldops/core/secrets';
import { getJson } from './http.js';

/** Options of {@link createVaultProvider}. */
export interface VaultProviderOptions {
  /** Vault's address, e.g. `https://vault.ops.lan:8200`. */
  address: string;
  /** A Vault token (sent as `X-Vault-Token`). */
  token: TokenSource;
  /** Enterprise namespace (`X-Vault-Namespace`). */
  namespace?: string;
  /**
   * KV v2 mounts of more than one segment (e.g. `teams/ops/kv`). Without it the mount is the first
   * segment of the path.
   */
  mounts?: readonly string[];
  fetch?: typeof fetch;
}

/**
 * The KV v2 read path of `path`: `<mount>/data/<rest>` (Vault API docs, "KV secrets engine - version 2
 * (API)", Read secret version: `GET /:secret-mount-path/data/:path`). A path that already has `data`
 * right after its mount is kept; any other `data` segment belongs to the secret's own path.
 */
export function buildKvV2DataPath(path: string, mounts: readonly string[] = []): string {
  const segments = path.split('/').filter(Boolean);
  const mount =
    [...mounts]
      .map((m) => m.split('/').filter(Boolean))
      .filter((m) => m.length > 0 && m.every((s, i) => segments[i] === s))
      .sort((a, b) => b.length - a.length)[0] ?? segments.slice(0, 1);
  const rest = segments.slice(mount.length);
  if (rest[0] === 'data' && rest.length > 1) return [...mount, ...rest].join('/');
  return [...mount, 'data', ...rest].join('/');
}

/**
 * Resolves `vault:<mount>/[data/]<path>#<key>` from a KV version 2 engine: `GET /v1/<mount>/data/<path>`,
 * the key read from `data.data`. `data/` is inserted after the mount unless it is already there (see
 * {@link buildKvV2DataPath}); list mounts of several segments in `mounts`. Each secret path is fetched
 * once per provider.
 */
export function createVaultProvider(options: VaultProviderOptions): SecretProvider {
  const cache = new Map<string, Promise<Record<string, unknown> | undefined>>();
  const base = options.address.replace(/\/+$/, '');
  const load = async (path: string, ref: string, signal?: AbortSignal) => {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const headers: Record<string, string> = {
      'X-Vault-Token': await tokenValue(options.token),
      Accept: 'application/json',
    };
    if (options.namespace) headers['X-Vault-Namespace'] = options.namespace;
    const url = `${base}/v1/${path.split('/').map(encodeURIComponent).join('/')}`;
    const { status, body } = await getJson(fetchImpl, url, headers, { provider: 'vault', ref, signal });
    if (status === 404) return undefined;
    const data = (body as { data?: { data?: unknown } } | undefined)?.data?.data;
    if (data === null || typeof data !== 'object') {
      throw new SecretError('secret_provider_failed', `vault answer for ${ref} is not a KV v2 secret`, {
        ref,
      });
    }
    return data as Record<string, unknown>;
  };
  return {
    scheme: 'vault',
    name: `vault:${base}`,
    async resolve(ref, { signal }) {
      if (ref.scheme !== 'vault') return undefined;
      const path = buildKvV2DataPath(ref.path, options.mounts);
      const display = `vault:${ref.path}#${ref.key}`;
      let pending = cache.get(path);
      if (!pending) {
        pending = load(path, display, signal);
        cache.set(path, pending);
        pending.catch(() => cache.delete(path));
      }
      const data = await pending;
      const value = data?.[ref.key];
      if (value === undefined || value === null) return undefined;
      return typeof value === 'string' ? value : JSON.stringify(value);
    },
  };
}
