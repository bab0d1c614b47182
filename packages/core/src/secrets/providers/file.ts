import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { SecretError } from '../errors.js';
import type { SecretProvider } from '../provider.js';

/** Options of {@link createFileProvider}. */
export interface FileProviderOptions {
  /** Relative `file:` paths resolve against this directory; defaults to the working directory. */
  baseDir?: string;
  /** Keep a trailing newline (default false: one trailing `\n` or `\r\n` is removed). */
  keepTrailingNewline?: boolean;
}

/** Resolves `file:path` (e.g. `file:/run/secrets/postgres_password`) to the file's content. */
export function createFileProvider(options: FileProviderOptions = {}): SecretProvider {
  return {
    scheme: 'file',
    name: 'file',
    async resolve(ref) {
      if (ref.scheme !== 'file') return undefined;
      const path = isAbsolute(ref.path) ? ref.path : resolve(options.baseDir ?? process.cwd(), ref.path);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new SecretError('secret_provider_failed', `cannot read secret file ${ref.path}`, { cause });
      }
      return options.keepTrailingNewline ? text : text.replace(/\r?\n$/, '');
    },
  };
}
