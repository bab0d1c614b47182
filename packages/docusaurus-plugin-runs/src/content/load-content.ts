import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as kb from '@fieldops/contracts/kb/v1';
import { InvalidBundleError } from '../errors.js';
import { DEFAULT_OPTIONS, type PluginOptions } from '../options.js';
import type { LoadedRun, RunsContent } from '../types.js';
import { parseIn, readJsonFile } from './bundle-files.js';
import { assertPlainFile } from './bundle-path.js';
import { mapConcurrent } from './concurrency.js';
import { type BundleLocation, discoverBundles } from './discover-bundles.js';
import { readBundle } from './read-bundle.js';
import { type RunHead, selectFullPageRuns } from './retention.js';

/** What `loadRuns` needs besides the options: where the site is, and where warnings go. */
export interface LoadRunsContext {
  siteDir: string;
  warn?: (message: string) => void;
}

/** The options loading reads. Without `retention`, every run gets a full page. */
export type LoadRunsOptions = Pick<
  PluginOptions,
  'path' | 'projects' | 'onInvalidBundle' | 'maxLogLines' | 'concurrency'
> &
  Partial<Pick<PluginOptions, 'allowRemoteImages' | 'retention'>>;

/** How much work one load did: bundles read from disk, and bundles reused unchanged from the last load. */
export interface LoadStats {
  bundles: number;
  read: number;
  reused: number;
  fullPages: number;
  ms: number;
}

interface CacheEntry {
  signature: string;
  head: RunHead;
  loaded?: LoadedRun;
}

/** A loader that keeps what it read: a reload reads only bundles that are new or whose files changed. */
export interface RunsLoader {
  load(options: LoadRunsOptions, context: LoadRunsContext): Promise<RunsContent & { stats: LoadStats }>;
}

// A bundle's signature: size and mtime of run.json and of every file it references (from the last
// read). A stat, not a read: unchanged bundles are not opened again.
async function signatureOf(loc: BundleLocation, loaded: LoadedRun | undefined): Promise<string> {
  const files: string[] = [kb.RUN_BUNDLE_LAYOUT.runFile];
  if (loaded) {
    files.push(...loaded.logs.map((l) => l.path), ...loaded.snapshots.map((s) => s.path));
    if (loaded.postmortem) files.push(loaded.postmortem.path);
  }
  const parts = await Promise.all(
    files.map(async (f) => {
      const s = await stat(path.join(loc.dir, f)).catch(() => undefined);
      return s ? `${f}:${s.size}:${s.mtimeMs}:${s.ino}` : `${f}:-`;
    }),
  );
  return parts.join('|');
}

async function readHead(loc: BundleLocation): Promise<RunHead> {
  const runFile = path.join(loc.dir, kb.RUN_BUNDLE_LAYOUT.runFile);
  await assertPlainFile(runFile);
  const bundle = parseIn(kb.RunBundle, await readJsonFile(runFile), runFile);
  const r = bundle.run;
  return {
    key: loc.dir,
    project: loc.project,
    deployment: r.deployment_id,
    time: r.started_at ?? r.queued_at,
    id: r.automation_run_id,
    status: r.status,
    hasPostmortem: bundle.postmortem !== undefined,
    hasTicket: r.ticket_id !== undefined,
  };
}

/** Creates a loader with its own cache (one per plugin instance, so `docusaurus start` reloads are incremental). */
export function createRunsLoader(): RunsLoader {
  const cache = new Map<string, CacheEntry>();
  return {
    async load(options, context) {
      const started = performance.now();
      const warn = context.warn ?? ((message: string) => console.warn(message));
      const root = path.resolve(context.siteDir, options.path);
      const { found, invalid } = await discoverBundles(root, options.projects);
      const read = new Set<string>();

      // 1. Heads (run.json only) of new or changed bundles; the rest from the cache.
      const heads = await mapConcurrent(found, options.concurrency, async (loc) => {
        const cached = cache.get(loc.dir);
        const signature = await signatureOf(loc, cached?.loaded);
        if (cached && cached.signature === signature) return { loc, entry: cached };
        try {
          read.add(loc.dir);
          const entry: CacheEntry = { signature, head: await readHead(loc) };
          cache.set(loc.dir, entry);
          return { loc, entry };
        } catch (error) {
          cache.delete(loc.dir);
          if (error instanceof InvalidBundleError) return error;
          throw error;
        }
      });
      const valid = heads.filter(
        (h): h is { loc: BundleLocation; entry: CacheEntry } => !(h instanceof InvalidBundleError),
      );
      const retention = options.retention ?? { ...DEFAULT_OPTIONS.retention, enabled: false };
      const full = selectFullPageRuns(
        valid.map((h) => h.entry.head),
        retention,
      );

      // 2. Bundles read in the mode retention asks for (a full read also serves the archive).
      const results = await mapConcurrent(valid, options.concurrency, async ({ loc, entry }) => {
        const mode = full.has(loc.dir) ? 'full' : 'archive';
        if (entry.loaded && (mode === 'archive' || !entry.loaded.archived)) {
          if (mode === 'full' || entry.loaded.archived) return entry.loaded;
          return { ...entry.loaded, archived: true as const };
        }
        try {
          read.add(loc.dir);
          const loaded = await readBundle(loc, {
            maxLogLines: options.maxLogLines,
            allowRemoteImages: options.allowRemoteImages ?? false,
            mode,
            warn,
          });
          entry.loaded = loaded;
          entry.signature = await signatureOf(loc, loaded);
          return loaded;
        } catch (error) {
          cache.delete(loc.dir);
          if (error instanceof InvalidBundleError) return error;
          throw error;
        }
      });
      const errors = [
        ...invalid,
        ...heads.filter((r): r is InvalidBundleError => r instanceof InvalidBundleError),
        ...results.filter((r): r is InvalidBundleError => r instanceof InvalidBundleError),
      ];
      const present = new Set(found.map((f) => f.dir));
      for (const dir of cache.keys()) if (!present.has(dir)) cache.delete(dir);
      if (errors.length > 0 && options.onInvalidBundle === 'throw') throw errors[0];
      for (const e of errors) warn(`${e.message}\n  (skipped: onInvalidBundle is 'warn')`);
      const runs = results.filter((r): r is LoadedRun => !(r instanceof InvalidBundleError));
      const stats: LoadStats = {
        bundles: found.length,
        read: read.size,
        reused: found.length - read.size,
        fullPages: runs.filter((r) => !r.archived).length,
        ms: performance.now() - started,
      };
      return { runs, skipped: errors.map((e) => ({ file: e.file, message: e.message })), stats };
    },
  };
}

/**
 * Finds and reads every run bundle under the KB root, several at a time. An invalid bundle throws
 * (`onInvalidBundle: 'throw'`, the first one in path order) or is skipped with a warning.
 */
export async function loadRuns(options: LoadRunsOptions, context: LoadRunsContext): Promise<RunsContent> {
  const { runs, skipped } = await createRunsLoader().load(options, context);
  return { runs, skipped };
}
