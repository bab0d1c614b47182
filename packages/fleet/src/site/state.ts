import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SiteSyncState } from './batches.js';

/** Where a site keeps what it last sent the centre. */
export interface SyncStateStore {
  load(): Promise<SiteSyncState | undefined>;
  save(state: SiteSyncState): Promise<void>;
}

/** A state kept in memory (tests; a process that may start over with a full sync). */
export function createMemorySyncState(): SyncStateStore {
  let state: SiteSyncState | undefined;
  return {
    load: async () => (state ? structuredClone(state) : undefined),
    save: async (s) => {
      state = structuredClone(s);
    },
  };
}

/**
 * A state kept in a JSON file, replaced atomically (write beside, then rename), so a crash leaves
 * the old state or the new one, never half of one. A missing file is a first contact (full sync).
 */
export function createFileSyncState(path: string): SyncStateStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const state = JSON.parse(text) as SiteSyncState;
      if (typeof state.epoch !== 'string' || !Number.isInteger(state.sequence))
        throw new TypeError(`fleet sync: ${path} is not a fleet sync state (epoch, sequence)`);
      return state;
    },
    async save(state) {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify(state));
      await rename(tmp, path);
    },
  };
}
