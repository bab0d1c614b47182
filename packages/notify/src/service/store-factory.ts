import { NotifyConfigError } from '../errors.js';
import { MemoryNotifyStore } from '../store/memory-store.js';
import type { NotifyStore } from '../store/store.js';
import type { ServiceSection } from './config-file.js';

/** A store the service opened, and how to close it. */
export interface OpenedStore {
  store: NotifyStore;
  /** Human-readable, no secret (`memory`, `pglite /var/lib/notify`, `postgres`). */
  describe: string;
  close(): Promise<void>;
}

/** Opens the store `service.store` names; the database URL arrives already resolved. */
export async function openServiceStore(
  section: ServiceSection['store'],
  _resolved: { url?: string } = {},
): Promise<OpenedStore> {
  if (section.kind === 'memory') {
    return { store: new MemoryNotifyStore(), describe: 'memory', close: async () => {} };
  }
  throw new NotifyConfigError(
    `service.store.kind: ${section.kind} is not available in this build of @fieldops/notify (use memory)`,
  );
}
