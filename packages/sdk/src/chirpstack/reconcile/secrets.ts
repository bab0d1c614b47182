/** Resolves a SecretRef (`env:NAME`, `vault:path#key`, …) to its value; the SDK's SecretResolver fits. */
export type ResolveSecret = (ref: string) => Promise<string | { reveal(): string }>;

/** Root key values of a device, resolved at the last moment. Never logged or put in a plan. */
export interface ResolvedKeys {
  nwk_key: string;
  app_key?: string;
  gen_app_key?: string;
}

/** A caching resolver for one run (one lookup per distinct ref). */
export function cachedResolver(resolve: ResolveSecret | undefined): (ref: string) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (ref) => {
    if (!resolve) return Promise.reject(new Error(`@fieldops/sdk/chirpstack: no secret resolver for ${ref}`));
    let hit = cache.get(ref);
    if (!hit) {
      hit = resolve(ref).then((v) => (typeof v === 'string' ? v : v.reveal()).trim().toLowerCase());
      cache.set(ref, hit);
    }
    return hit;
  };
}

/** Resolves the key refs of a device spec. */
export async function resolveKeys(
  keys: { nwk_key_ref: string; app_key_ref?: string; gen_app_key_ref?: string },
  resolve: (ref: string) => Promise<string>,
): Promise<ResolvedKeys> {
  const [nwk, app, gen] = await Promise.all([
    resolve(keys.nwk_key_ref),
    keys.app_key_ref ? resolve(keys.app_key_ref) : undefined,
    keys.gen_app_key_ref ? resolve(keys.gen_app_key_ref) : undefined,
  ]);
  return { nwk_key: nwk, ...(app ? { app_key: app } : {}), ...(gen ? { gen_app_key: gen } : {}) };
}
