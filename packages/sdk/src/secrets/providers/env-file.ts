import { readFile } from 'node:fs/promises';
import { SecretError, type SecretProvider } from '@fieldops/core/secrets';
import { parseDotenv } from './dotenv.js';

/** Options of {@link createEnvFileProvider}. */
export interface EnvFileProviderOptions {
  /** Path of the dotenv file. */
  path: string;
  /** Fail when the file does not exist (default true); false makes a missing file hold nothing. */
  required?: boolean;
}

/**
 * Resolves `env:NAME` from a dotenv file, read once on first use. Put it after the env provider to let
 * the process environment override the file, or before it to prefer the file.
 */
export function createEnvFileProvider(options: EnvFileProviderOptions): SecretProvider {
  let loaded: Promise<Map<string, string>> | undefined;
  const load = async (): Promise<Map<string, string>> => {
    try {
      return parseDotenv(await readFile(options.path, 'utf8'));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && options.required === false) return new Map();
      throw new SecretError('secret_provider_unavailable', `cannot read env file ${options.path}`, { cause });
    }
  };
  return {
    scheme: 'env',
    name: `env-file:${options.path}`,
    async resolve(ref) {
      if (ref.scheme !== 'env') return undefined;
      loaded ??= load();
      const value = (await loaded).get(ref.name);
      return value === undefined || value === '' ? undefined : value;
    },
  };
}
