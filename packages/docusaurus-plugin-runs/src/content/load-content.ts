import { createHash } from 'node:crypto';
import path from 'node:path';
import * as kb from '@fieldops/contracts/kb/v1';
import { InvalidBundleError } from '../errors.js';
import { DEFAULT_OPTIONS, type PluginOptions } from '../options.js';
import type { LoadedRun, RunsContent } from '../types.js';
import { cacheKey, type PersistedBundle, readBundleCache, writeBundleCache } from './bundle-cache.js';
import { parseIn, readJsonFile } from './bundle-files.js';
import { assertPlainFile } from './bundle-path.js';
import { mapConcurrent } from './concurrency.js';
import { type BundleLocation, discoverBundles } from './discover-bundles.js';
import { type FileSignature, signBundle, verifySignatures } from './file-signature.js';
import { archivedRecord, readBundle } from './read-bundle.js';
import { type RunHead, selectFullPageRuns } from './retention.js';

/** What `loadRuns` needs besides the options: where the site is, and where warnings go. */
export interface LoadRunsContext {
  siteDir: string;
  warn?: (message: string) => void;
}

/** The options loading reads. Without `retention`, every run gets a full page; without `cacheDir`, nothing persists between loaders. */
export type LoadRunsOptions = Pick<
  PluginOptions,
  'path' | 'projects' | 'onInvalidBundle' | 'maxLogLines' | 'concurrency'
> &
  Partial<Pick<PluginOptions, 'allowRemoteImages' | 'retention'>> & {
    /** Directory of the validation cache kept between builds (relative to the site). */
    cacheDir?: string;
  };

/** How much work one load did: bundles read from disk, reused unchanged (from this loader or the cache of an earlier build). */
export interface LoadStats {
  bundles: number;
  read: number;
  reused: number;
  /** Of `reused`: taken from the validation cache an earlier build left in `cacheDir`. */
  fromCache: number;
  fullPages: number;
  ms: number;
}

interface CacheEntry {
  /** Signatures of every path validation read; absent until the bundle was read whole. */
  files?: readonly FileSignature[];
  head: RunHead;
  /** The archive-mode read (no log lines). */
  archive?: LoadedRun;
  /** The full read (log lines kept), for runs that have a page. */
  full?: LoadedRun;
  warnings: string[];
}

/** A loader that keeps what it read: a reload reads only bundles that are new or whose files changed. */
export interface RunsLoader {
  load(options: LoadRunsOptions, context: LoadRunsContext): Promise<RunsContent & { stats: LoadStats }>;
}

function headOf(key: string, run: LoadedRun): RunHead {
  const r = run.run;
  return {
    key,
    project: run.project,
    deployment: r.deployment_id,
    time: r.started_at ?? r.queued_at,
    id: r.automation_run_id,
    status: r.status,
    hasPostmortem: run.postmortem !== undefined,
    hasTicket: r.ticket_id !== undefined,
  };
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

/** Every bundle-relative file a validated bundle depends on. */
function filesOf(run: LoadedRun): string[] {
  const files = [kb.RUN_BUNDLE_LAYOUT.runFile as string];
  files.push(...run.logs.map((l) => l.path), ...run.snapshots.map((s) => s.path));
  for (const a of run.artifacts) if (a.path !== undefined) files.push(a.path);
  if (run.postmortem) files.push(run.postmortem.path);
  return files.map((f) => path.posix.normalize(f.replace(/\\/g, '/')));
}

function archiveForm(run: LoadedRun): LoadedRun {
  return {
    ...run,
    run: archivedRecord(run.run),
    logs: run.logs.map((l) => ({ ...l, lines: [] })),
    archived: true,
  };
}

function relocate(run: LoadedRun, dir: string): LoadedRun {
  return { ...run, dir };
}

/**
 * Creates a loader with its own cache (one per plugin instance, so `docusaurus start` reloads are
 * incremental). With `options.cacheDir`, the first load also reuses the validation an earlier build
 * left there, and every load updates it. `keepBetweenLoads: false` (a one-shot build) forgets the
 * in-memory cache after each load (its signatures and heads: ~32 MB at 20,000 bundles), so it is not
 * held through the bundler's run; a later load then starts from `cacheDir` again.
 */
export function createRunsLoader({
  keepBetweenLoads = true,
}: {
  keepBetweenLoads?: boolean;
} = {}): RunsLoader {
  const cache = new Map<string, CacheEntry>();
  let persistedRead = false;
  // Docusaurus may start a reload while the last one runs (files still being copied): loads run
  // one after the other, each seeing what the previous one left.
  let last: Promise<unknown> = Promise.resolve();
  return {
    load(options, context) {
      const next = last.then(
        () => loadOnce(options, context),
        () => loadOnce(options, context),
      );
      last = next.catch(() => undefined);
      return next;
    },
  };

  async function loadOnce(
    options: LoadRunsOptions,
    context: LoadRunsContext,
  ): Promise<RunsContent & { stats: LoadStats }> {
    {
      const started = performance.now();
      const warn = context.warn ?? ((message: string) => console.warn(message));
      const root = path.resolve(context.siteDir, options.path);
      const cacheDir = options.cacheDir ? path.resolve(context.siteDir, options.cacheDir) : undefined;
      const key = cacheKey({ allowRemoteImages: options.allowRemoteImages ?? false });
      let persisted = new Map<string, PersistedBundle>();
      if (cacheDir && !persistedRead) persisted = await readBundleCache(cacheDir, key);
      persistedRead = true;
      const { found, invalid } = await discoverBundles(root, options.projects);
      const read = new Set<string>();
      const fromCache = new Set<string>();
      // Whether the persisted cache would change: a bundle read whose signatures are not the ones
      // stored, signatures that moved (a fresh clone), a bundle gone. Else it is not rewritten.
      let dirty = false;
      let usedPersisted = 0;

      // 1. Each bundle's head: from this loader or the persisted cache when its files are unchanged,
      //    else from run.json alone.
      const heads = await mapConcurrent(found, options.concurrency, async (loc) => {
        const mine = cache.get(loc.dir);
        if (mine?.files) {
          const files = await verifySignatures(loc.dir, mine.files);
          if (files) {
            if (files !== mine.files) dirty = true;
            const entry = { ...mine, files };
            cache.set(loc.dir, entry);
            return { loc, entry };
          }
        }
        const rel = path.relative(root, loc.dir);
        const old = mine ? undefined : persisted.get(rel);
        if (old) {
          const files = await verifySignatures(loc.dir, old.files);
          if (files) {
            if (files !== old.files) dirty = true;
            usedPersisted++;
            const run = relocate(old.run, loc.dir);
            fromCache.add(loc.dir);
            for (const w of old.warnings) warn(w);
            const entry: CacheEntry = {
              files,
              head: headOf(loc.dir, run),
              archive: run,
              warnings: old.warnings,
            };
            cache.set(loc.dir, entry);
            return { loc, entry };
          }
        }
        try {
          read.add(loc.dir);
          const entry: CacheEntry = { head: await readHead(loc), warnings: [] };
          cache.set(loc.dir, entry);
          return { loc, entry };
        } catch (error) {
          cache.delete(loc.dir);
          if (error instanceof InvalidBundleError) return error;
          throw error;
        }
      });
      // A persisted bundle left unused is gone or changed: the cache must forget it.
      if (usedPersisted < persisted.size) dirty = true;
      persisted.clear();
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
        if (entry.files && mode === 'archive' && entry.archive) return versioned(entry.archive, entry.files);
        if (entry.files && mode === 'full' && entry.full) return versioned(entry.full, entry.files);
        try {
          read.add(loc.dir);
          const readStartedAt = Date.now();
          const warnings: string[] = [];
          const loaded = await readBundle(loc, {
            maxLogLines: options.maxLogLines,
            allowRemoteImages: options.allowRemoteImages ?? false,
            mode,
            warn: (m) => {
              warnings.push(m);
              warn(m);
            },
          });
          const files = await signBundle(loc.dir, filesOf(loaded), cacheDir !== undefined, readStartedAt);
          if (!entry.files || !sameSignatures(entry.files, files)) dirty = true;
          const next: CacheEntry = {
            files,
            head: headOf(loc.dir, loaded),
            archive: mode === 'archive' ? loaded : archiveForm(loaded),
            warnings,
          };
          if (mode === 'full') next.full = loaded;
          cache.set(loc.dir, next);
          return versioned(loaded, files);
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
      let removed = false;
      for (const dir of cache.keys()) {
        if (!present.has(dir)) {
          cache.delete(dir);
          removed = true;
        }
      }
      if (errors.length > 0 && options.onInvalidBundle === 'throw') throw errors[0];
      for (const e of errors) warn(`${e.message}\n  (skipped: onInvalidBundle is 'warn')`);
      const runs = results.filter((r): r is LoadedRun => !(r instanceof InvalidBundleError));
      if (cacheDir && (dirty || removed)) {
        await writeBundleCache(cacheDir, key, persistable(cache, root));
      }
      if (!keepBetweenLoads) {
        cache.clear();
        persistedRead = false;
      }
      const stats: LoadStats = {
        bundles: found.length,
        read: read.size,
        reused: found.length - read.size,
        fromCache: [...fromCache].filter((d) => !read.has(d)).length,
        fullPages: runs.filter((r) => !r.archived).length,
        ms: performance.now() - started,
      };
      return { runs, skipped: errors.map((e) => ({ file: e.file, message: e.message })), stats };
    }
  }
}

/**
 * Sets `run.version` from its files' signatures: their paths, kinds and content hashes. None when a
 * file has no hash (no cache, or changed during the read): the run's pack is then written afresh.
 */
function versioned(run: LoadedRun, files: readonly FileSignature[]): LoadedRun {
  if (files.some((f) => f[1] === 'f' && f[6] === '')) {
    delete run.version;
    return run;
  }
  const hash = createHash('sha1');
  for (const f of files) hash.update(`${f[0]}\0${f[1]}\0${f[6]}\n`);
  run.version = hash.digest('hex');
  return run;
}

function sameSignatures(a: readonly FileSignature[], b: readonly FileSignature[]): boolean {
  return a.length === b.length && a.every((s, i) => s.every((v, k) => v === b[i]?.[k]));
}

function* persistable(cache: Map<string, CacheEntry>, root: string): Generator<PersistedBundle> {
  for (const [dir, e] of cache) {
    if (!e.files || !e.archive || e.files.some((f) => f[1] === 'f' && (f[6] === '' || f[3] === -1))) continue;
    const rel = path.relative(root, dir);
    yield { dir: rel, files: e.files, run: relocate(e.archive, rel), warnings: e.warnings };
  }
}

/**
 * Finds and reads every run bundle under the KB root, several at a time. An invalid bundle throws
 * (`onInvalidBundle: 'throw'`, the first one in path order) or is skipped with a warning.
 */
export async function loadRuns(options: LoadRunsOptions, context: LoadRunsContext): Promise<RunsContent> {
  const { runs, skipped } = await createRunsLoader().load(options, context);
  return { runs, skipped };
}
