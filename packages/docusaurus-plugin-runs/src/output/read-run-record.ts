import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InvalidBundleError } from '../errors.js';
import type { RunRecord } from '../types.js';

/**
 * The run record of an archived run's `run.json`, read again when its pack entry is written (an
 * archived run keeps only its list row in memory). Opened with `O_NOFOLLOW` like every published
 * file; a file that no longer parses or names another run (changed since it was validated) is
 * refused with its path rather than published.
 */
export async function readRunRecord(file: string, runId: string): Promise<RunRecord> {
  const text = (await readPublishedFile(file)).toString('utf8');
  let run: RunRecord | undefined;
  try {
    run = (JSON.parse(text) as { run?: RunRecord }).run;
  } catch {
    run = undefined;
  }
  if (run?.automation_run_id !== runId) {
    throw new InvalidBundleError(
      file,
      `kb.v1.RunBundle: run.automation_run_id: not ${runId} (the file changed since it was validated)`,
      { contract: 'kb.v1.RunBundle' },
    );
  }
  return run;
}

/**
 * The bytes of a bundle file that goes into the build output (an archived run's log, packed),
 * opened with `O_NOFOLLOW`: a file swapped for a symbolic link after the bundle was checked is
 * refused with its path rather than published.
 */
export async function readPublishedFile(file: string): Promise<Buffer> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'ELOOP') {
        throw new InvalidBundleError(
          file,
          'is a symbolic link: a KB page publishes only files inside its bundle',
        );
      }
      throw e;
    },
  );
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
