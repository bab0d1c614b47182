import path from 'node:path';
import { InvalidBundleError } from '../errors.js';
import type { PluginOptions } from '../options.js';
import type { LoadedRun, RunsContent } from '../types.js';
import { mapConcurrent } from './concurrency.js';
import { discoverBundles } from './discover-bundles.js';
import { readBundle } from './read-bundle.js';

/** What `loadRuns` needs besides the options: where the site is, and where warnings go. */
export interface LoadRunsContext {
  siteDir: string;
  warn?: (message: string) => void;
}

/**
 * Finds and reads every run bundle under the KB root, several at a time. An invalid bundle throws
 * (`onInvalidBundle: 'throw'`, the first one in path order) or is skipped with a warning.
 */
export async function loadRuns(
  options: Pick<PluginOptions, 'path' | 'projects' | 'onInvalidBundle' | 'maxLogLines' | 'concurrency'> &
    Partial<Pick<PluginOptions, 'allowRemoteImages'>>,
  context: LoadRunsContext,
): Promise<RunsContent> {
  const warn = context.warn ?? ((message: string) => console.warn(message));
  const root = path.resolve(context.siteDir, options.path);
  const { found, invalid } = await discoverBundles(root, options.projects);
  const results = await mapConcurrent(found, options.concurrency, async (loc) => {
    try {
      return await readBundle(loc, {
        maxLogLines: options.maxLogLines,
        allowRemoteImages: options.allowRemoteImages ?? false,
        warn,
      });
    } catch (error) {
      if (error instanceof InvalidBundleError) return error;
      throw error;
    }
  });
  const errors = [
    ...invalid,
    ...results.filter((r): r is InvalidBundleError => r instanceof InvalidBundleError),
  ];
  if (errors.length > 0 && options.onInvalidBundle === 'throw') throw errors[0];
  for (const e of errors) warn(`${e.message}\n  (skipped: onInvalidBundle is 'warn')`);
  const runs = results.filter((r): r is LoadedRun => !(r instanceof InvalidBundleError));
  return { runs, skipped: errors.map((e) => ({ file: e.file, message: e.message })) };
}
