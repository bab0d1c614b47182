import type { SecretProvider } from '../provider.js';

/** Options of {@link createEnvProvider}. */
export interface EnvProviderOptions {
  /** The environment to read; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Resolves `env:NAME` from the process environment (or the one given). Empty values count as absent. */
export function createEnvProvider(options: EnvProviderOptions = {}): SecretProvider {
  return {
    scheme: 'env',
    name: 'env',
    async resolve(ref) {
      if (ref.scheme !== 'env') return undefined;
      const env = options.env ?? process.env;
      const value = env[ref.name];
      return value === undefined || value === '' ? undefined : value;
    },
  };
}
