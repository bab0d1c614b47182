import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Remembers multi-step work in flight so a run that died in the middle can finish it. Creating a
 * device and writing its keys are two RPCs; a crash between them leaves a device whose sync tag
 * claims keys it does not have. The journal names such devices and the next plan rewrites their keys.
 */
export interface ApplyJournal {
  /** Records that work on `key` starts. */
  begin(key: string): Promise<void>;
  /** Records that work on `key` finished. */
  end(key: string): Promise<void>;
  /** Keys begun and never ended, by earlier runs included. */
  pending(): Promise<Set<string>>;
}

/** A journal in memory (for tests and one-process runs). */
export function createMemoryJournal(): ApplyJournal {
  const open = new Set<string>();
  return {
    async begin(key) {
      open.add(key);
    },
    async end(key) {
      open.delete(key);
    },
    async pending() {
      return new Set(open);
    },
  };
}

/**
 * A journal in an append-only file (`B key` / `E key` lines); survives a crash of the process.
 * Reading it (`pending()`, done by each plan) compacts it to the keys still open. One writer at a time.
 */
export function createFileJournal(path: string): ApplyJournal {
  let ready: Promise<void> | undefined;
  const prepare = () => {
    ready ??= mkdir(dirname(path), { recursive: true }).then(() => undefined);
    return ready;
  };
  return {
    async begin(key) {
      await prepare();
      await appendFile(path, `B ${key}\n`);
    },
    async end(key) {
      await prepare();
      await appendFile(path, `E ${key}\n`);
    },
    async pending() {
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
        throw error;
      }
      const open = new Set<string>();
      const lines = text.split('\n');
      for (const line of lines) {
        if (line.startsWith('B ')) open.add(line.slice(2));
        else if (line.startsWith('E ')) open.delete(line.slice(2));
      }
      // Compact: keep only what is still open (written aside, then renamed over, so a crash keeps one whole file).
      if (lines.length > open.size + 1) {
        const tmp = `${path}.tmp`;
        await writeFile(tmp, [...open].map((k) => `B ${k}\n`).join(''));
        await rename(tmp, path);
      }
      return open;
    },
  };
}
