import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** The fixture KB roots shipped with the tests. */
export const FIXTURES = path.join(import.meta.dirname, '__fixtures__');
/** The three example runs (success, failure with postmortem, success after the fix). */
export const RUN_IDS = {
  success: 'run_01jdz8k2m4q6s8t0v2x4y6z8a0',
  failed: 'run_01jeb3n5p7r9t1v3x5z7b9d1f3',
  fixed: 'run_01jed7q9s1u3w5y7a9c1e3g5j7',
} as const;
/** Where the failed run's bundle lives inside a KB root. */
export const FAILED_DIR = `projects/bkk-cold-chain/runs/2026-11-24/${RUN_IDS.failed}`;

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A throwaway copy of a fixture KB root, to break on purpose. Removed after the test. */
export async function copyFixture(name = 'kb-valid'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'runs-plugin-'));
  made.push(dir);
  await cp(path.join(FIXTURES, name), path.join(dir, 'kb'), { recursive: true });
  return dir;
}

/** Reads, edits and writes back a JSON file. */
export async function editJson(file: string, edit: (value: Record<string, unknown>) => void): Promise<void> {
  const value = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(value);
  await writeFile(file, JSON.stringify(value, null, 2));
}

/** Options as Docusaurus would pass them after validation. */
export const OPTIONS = {
  path: 'kb',
  projects: [] as string[],
  onInvalidBundle: 'throw' as 'throw' | 'warn',
  maxLogLines: 20_000,
  concurrency: 4,
};

/**
 * Waits until files written now count as settled for the loader's signatures (a file changed within
 * a second of the read that validated it is read again next time, in case it changed during that read).
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_100));
}
