import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { safeParseContract } from '@fieldops/contracts';
import { ConfigFile } from '@fieldops/contracts/notify/v1';
import { parseDocument } from 'yaml';
import { type NormalizedConfig, type NotifyConfig, normalizeConfig } from '../config.js';
import { NotifyConfigError } from '../errors.js';

/** The `service` section of notify.yaml (listen address, API tokens, store, bus, shutdown). */
export type ServiceSection = ConfigFile['service'];

/** A loaded, validated notify.yaml: the service section and the engine configuration. */
export interface LoadedConfigFile {
  /** Absolute path of the file read. */
  path: string;
  service: ServiceSection;
  /** The engine configuration (the file without `version` and `service`). */
  engine: NotifyConfig;
  /** The engine configuration after `normalizeConfig` (references, matchers, durations checked). */
  normalized: NormalizedConfig;
}

/**
 * Parses the text of a notify.yaml (YAML or JSON) and validates it against `notify.v1.ConfigFile`,
 * then the engine's own load rules; throws NotifyConfigError naming the file, the contract, its
 * version and the path of each problem. Nothing is resolved or opened: secrets stay references.
 */
export function parseConfigFile(text: string, path: string): LoadedConfigFile {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const where = first?.linePos?.[0] ? ` line ${first.linePos[0].line}` : '';
    throw new NotifyConfigError(`${path}:${where}: not valid YAML (${first?.code ?? 'syntax'})`);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const result = safeParseContract(ConfigFile, data);
  if (!result.success) throw new NotifyConfigError(`${path}: ${result.error.message}`, result.error);
  const { version: _version, service, ...engine } = result.data as ConfigFile;
  const base = dirname(path);
  const store =
    service.store.kind === 'pglite' && !isAbsolute(service.store.path)
      ? { ...service.store, path: resolve(base, service.store.path) }
      : service.store;
  let normalized: NormalizedConfig;
  try {
    normalized = normalizeConfig(engine as NotifyConfig);
  } catch (err) {
    if (err instanceof NotifyConfigError) {
      throw new NotifyConfigError(
        `${path}: notify.v1.ConfigFile: ${err.message.replace(/^@fieldops\/notify: /, '')}`,
        err,
      );
    }
    throw err;
  }
  return { path, service: { ...service, store }, engine: engine as NotifyConfig, normalized };
}

/** Reads and validates a notify.yaml (see {@link parseConfigFile}). */
export async function loadConfigFile(path: string): Promise<LoadedConfigFile> {
  const abs = resolve(path);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (cause) {
    throw new NotifyConfigError(
      `${abs}: cannot read the configuration file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
      cause,
    );
  }
  return parseConfigFile(text, abs);
}
