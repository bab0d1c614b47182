import { hostname } from 'node:os';
import { NotifyConfigError } from '../errors.js';
import { MemoryNotifyStore } from '../store/memory-store.js';
import type { NotifyStore } from '../store/store.js';
import type { ServiceSection } from './config-file.js';

/** A store the service opened, and how to close it. */
export interface OpenedStore {
  store: NotifyStore;
  /** Human-readable, no secret (`memory`, `pglite /var/lib/notify`, `postgres`). */
  describe: string;
  /**
   * The engine lease of this process, when the store has leases. PGlite is one process per data
   * directory, so its owner is fixed and a restart after a crash renews at once; Postgres replicas
   * get a name unique per process and take over after `lease` (default 15 s).
   */
  lease?: { owner: string; ttlMs?: number };
  close(): Promise<void>;
}

/** The module is optional (a peer dependency): say which package to install when it is absent. */
async function loadPeer<T>(load: () => Promise<T>, kind: string, peer: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new NotifyConfigError(
        `service.store.kind: ${kind} needs the package ${peer} (npm install ${peer})`,
        err,
      );
    }
    throw err;
  }
}

/** Opens the store `service.store` names; the database URL arrives already resolved. */
export async function openServiceStore(
  section: ServiceSection['store'],
  resolved: { url?: string } = {},
  parseLease: (value: string | number) => number = Number,
): Promise<OpenedStore> {
  if (section.kind === 'memory') {
    return { store: new MemoryNotifyStore(), describe: 'memory', close: async () => {} };
  }
  if (section.kind === 'pglite') {
    const { createPgliteNotifyStore } = await loadPeer(
      () => import('../pglite.js'),
      'pglite',
      '@electric-sql/pglite',
    );
    const store = await createPgliteNotifyStore({ dataDir: section.path });
    return {
      store,
      describe: `pglite ${section.path}`,
      lease: { owner: `embedded@${hostname()}` },
      close: async () => store.close?.(),
    };
  }
  if (!resolved.url) throw new NotifyConfigError('service.store.url: the connection string did not resolve');
  const { createPgNotifyStore } = await loadPeer(() => import('../pg.js'), 'postgres', 'pg');
  let store: NotifyStore;
  try {
    store = await createPgNotifyStore({ connectionString: resolved.url });
  } catch (err) {
    // The driver's message can carry the host and user, never the password; the URL itself is not repeated.
    throw new NotifyConfigError(
      `service.store: cannot open the postgres store (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      err,
    );
  }
  return {
    store,
    describe: 'postgres',
    lease: {
      owner: `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
      ...(section.lease ? { ttlMs: parseLease(section.lease) } : {}),
    },
    close: async () => store.close?.(),
  };
}
