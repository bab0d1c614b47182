import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as kb from '@fieldops/contracts/kb/v1';
import { InvalidBundleError } from '../errors.js';
import { SYMLINK_MESSAGE } from './bundle-path.js';

/** A bundle directory found under the KB root, with the names its path gives. */
export interface BundleLocation {
  dir: string;
  project: string;
  date: string;
  runId: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RUN_ID = /^run_[0-9A-Za-z]{4,64}$/;
const { projectsDir, runsDir } = kb.RUN_BUNDLE_LAYOUT;

// Subdirectories of `dir`; a symbolic link among them is reported (a linked directory could
// publish files from anywhere), never followed.
async function subdirs(dir: string, invalid: InvalidBundleError[]): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      if (e.isSymbolicLink()) invalid.push(new InvalidBundleError(path.join(dir, e.name), SYMLINK_MESSAGE));
    }
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw cause;
  }
}

/**
 * Lists `<root>/projects/<project>/runs/<YYYY-MM-DD>/<run id>/` directories. A directory whose name
 * breaks the layout is reported as an invalid bundle (the caller throws or warns), not ignored.
 */
export async function discoverBundles(
  root: string,
  projects: readonly string[] = [],
): Promise<{ found: BundleLocation[]; invalid: InvalidBundleError[] }> {
  const found: BundleLocation[] = [];
  const invalid: InvalidBundleError[] = [];
  const base = path.join(root, projectsDir);
  for (const project of await subdirs(base, invalid)) {
    if (projects.length > 0 && !projects.includes(project)) continue;
    if (!SLUG.test(project)) {
      invalid.push(new InvalidBundleError(path.join(base, project), 'project directory is not a slug'));
      continue;
    }
    const runs = path.join(base, project, runsDir);
    for (const date of await subdirs(runs, invalid)) {
      if (!DATE.test(date)) {
        invalid.push(new InvalidBundleError(path.join(runs, date), 'date directory is not YYYY-MM-DD'));
        continue;
      }
      for (const runId of await subdirs(path.join(runs, date), invalid)) {
        const dir = path.join(runs, date, runId);
        if (!RUN_ID.test(runId)) {
          invalid.push(new InvalidBundleError(dir, 'run directory is not an automation run id (run_…)'));
          continue;
        }
        found.push({ dir, project, date, runId });
      }
    }
  }
  return { found, invalid };
}
