import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as kb from '@fieldops/contracts/kb/v1';
import { InvalidBundleError } from '../errors.js';
import type { LoadedLog, LoadedRun, RunRecord } from '../types.js';
import { parseIn, readJsonFile } from './bundle-files.js';
import { assertPlainFile, resolveBundleFile } from './bundle-path.js';
import type { BundleLocation } from './discover-bundles.js';
import { readLog } from './read-log.js';
import { readPostmortem } from './read-postmortem.js';
import { readSnapshot } from './read-snapshot.js';

/** Limits that apply while reading one bundle. */
export interface ReadBundleOptions {
  maxLogLines: number;
  /** Render remote images in the postmortem as images (default: as links). */
  allowRemoteImages?: boolean;
  /** `archive`: validate everything but keep no log lines (the archive view loads the raw logs). */
  mode?: 'full' | 'archive';
  /** Called with a message when the plugin had to redact a value the writer left in clear. */
  warn: (message: string) => void;
}

function logSlug(relative: string, taken: Set<string>): string {
  const base =
    path.posix
      .basename(relative)
      .replace(/\.[^.]*$/, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'log';
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  taken.add(slug);
  return slug;
}

function mismatch(file: string, field: string, actual: string, expected: string): InvalidBundleError {
  return new InvalidBundleError(
    file,
    `${field}: ${JSON.stringify(actual)} does not match the bundle directory (${JSON.stringify(expected)})`,
  );
}

/**
 * What an archived run keeps of its run record: no timeline, and of its steps only the failed ones
 * (a run list names the first). The archive view reads the whole record from the published
 * `run.json`; at 20,000 runs the timelines and steps were most of the plugin's memory held through
 * the bundler's run.
 */
export function archivedRecord(run: RunRecord): RunRecord {
  return { ...run, timeline: [], steps: run.steps.filter((s) => s.status === 'failed') };
}

/** Reads and validates one bundle: `run.json`, its logs, snapshots, artifacts and postmortem. */
export async function readBundle(loc: BundleLocation, options: ReadBundleOptions): Promise<LoadedRun> {
  const runFile = path.join(loc.dir, kb.RUN_BUNDLE_LAYOUT.runFile);
  await assertPlainFile(runFile);
  const bundle = parseIn(kb.RunBundle, await readJsonFile(runFile), runFile);
  if (bundle.project !== loc.project) throw mismatch(runFile, 'project', bundle.project, loc.project);
  if (bundle.date !== loc.date) throw mismatch(runFile, 'date', bundle.date, loc.date);
  if (bundle.run.automation_run_id !== loc.runId) {
    throw mismatch(runFile, 'run.automation_run_id', bundle.run.automation_run_id, loc.runId);
  }
  if (bundle.run.project !== bundle.project) {
    throw mismatch(runFile, 'run.project', bundle.run.project, bundle.project);
  }

  const slugs = new Set<string>();
  const logs = await Promise.all(
    bundle.logs.map(async (ref): Promise<LoadedLog> => {
      const file = await resolveBundleFile(loc.dir, ref.path, runFile);
      const keep = options.mode === 'archive' ? 0 : options.maxLogLines;
      const { lines, totalLines } = await readLog(file, keep);
      const log: LoadedLog = { path: ref.path, slug: '', lines, totalLines };
      if (ref.step_id !== undefined) log.step_id = ref.step_id;
      return log;
    }),
  );
  // Slugs in declaration order, so they do not depend on which read finished first.
  for (const log of logs) log.slug = logSlug(log.path, slugs);

  const snapshots = await Promise.all(
    bundle.snapshots.map(async (ref) => {
      const file = await resolveBundleFile(loc.dir, ref.path, runFile);
      const { snapshot, redactedByPlugin } = await readSnapshot(file, ref.path, ref.step_id);
      if (snapshot.name !== ref.name) throw mismatch(file, 'name', snapshot.name, ref.name);
      if (redactedByPlugin.length > 0) {
        options.warn(`${file}: redacted secret-named values left in clear: ${redactedByPlugin.join(', ')}`);
      }
      return snapshot;
    }),
  );

  await Promise.all(
    bundle.artifacts.map(async (artifact, i) => {
      if (artifact.path === undefined) return;
      const file = await resolveBundleFile(loc.dir, artifact.path, runFile);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) {
        throw new InvalidBundleError(runFile, `artifacts[${i}].path: no file ${artifact.path} in the bundle`);
      }
    }),
  );

  let postmortem: LoadedRun['postmortem'];
  if (bundle.postmortem !== undefined) {
    const file = await resolveBundleFile(loc.dir, bundle.postmortem, runFile);
    postmortem = await readPostmortem(file, bundle.postmortem, {
      allowRemoteImages: options.allowRemoteImages ?? false,
    });
    const fm = postmortem.frontMatter;
    if (fm.automation_run_id !== loc.runId) {
      throw mismatch(file, 'automation_run_id', fm.automation_run_id, loc.runId);
    }
    if (fm.project !== loc.project) throw mismatch(file, 'project', fm.project, loc.project);
  }

  const loaded: LoadedRun = {
    dir: loc.dir,
    project: bundle.project,
    date: bundle.date,
    run: options.mode === 'archive' ? archivedRecord(bundle.run) : bundle.run,
    logs,
    snapshots,
    artifacts: bundle.artifacts,
  };
  if (bundle.title !== undefined) loaded.title = bundle.title;
  if (options.mode === 'archive') loaded.archived = true;
  if (postmortem) loaded.postmortem = postmortem;
  return loaded;
}
