import { SecretError } from '../errors.js';
import { type SecretProvider, type TokenSource, tokenValue } from '../provider.js';
import { getJson } from './http.js';

/** Options of {@link createVaultProvider}. */
export interface VaultProviderOptions {
  /** Vault's address, e.g. `https://vault.ops.lan:8200`. */
  address: string;
  /** A Vault token (sent as `X-Vault-Token`). */
  token: TokenSource;
  /** Enterprise namespace (`X-Vault-Namespace`). */
  namespace?: string;
  fetch?: typeof fetch;
}

/**
 * Resolves `vault:<mount>/data/<path>#<key>` from a KV version 2 engine: `GET /v1/<mount>/data/<path>`,
 * the key read from `data.data`. A path without a `data` segment gets one after its first segment
 * (the mount); a mount of several segments must be written with its `data` segment.
 * Each secret path is fetched once per provider.
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
      const segments = ref.path.split('/').filter(Boolean);
      // KV v2 reads go through `<mount>/data/<path>`: add the segment when the ref left it out.
      if (!segments.includes('data')) segments.splice(1, 0, 'data');
      const path = segments.join('/');
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
