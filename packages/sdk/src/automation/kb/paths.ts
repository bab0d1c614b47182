import { lstatSync, mkdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import * as kb from '@fieldops/contracts/kb/v1';
import { BundlePathError } from '../errors.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const RUN_ID = /^run_[0-9A-Za-z]{4,64}$/;

// Never echo a rejected component whole: it may be long or hostile. Enough to recognise it.
function show(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/** Checks a KB project name: a slug, one path component. */
export function validateProjectName(project: unknown): string {
  if (typeof project !== 'string' || !SLUG.test(project)) {
    throw new BundlePathError(
      `invalid project name ${show(project)}: expected 1–63 lower-case letters, digits or dashes (one path component)`,
    );
  }
  return project;
}

/** Checks a bundle date `YYYY-MM-DD`. */
export function validateBundleDate(date: unknown): string {
  if (typeof date !== 'string' || !DATE.test(date)) {
    throw new BundlePathError(`invalid run date ${show(date)}: expected YYYY-MM-DD`);
  }
  return date;
}

/** Checks an automation run id (`run_…`), used as a directory name. */
export function validateRunId(runId: unknown): string {
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) {
    throw new BundlePathError(
      `invalid run id ${show(runId)}: expected run_ followed by 4–64 letters or digits`,
    );
  }
  return runId;
}

/** Checks a path inside a bundle against the kb contract's BundlePath (relative, no `..`, no dot files). */
export function validateBundlePath(path: unknown): string {
  if (typeof path !== 'string' || !kb.BundlePath.safeParse(path).success) {
    throw new BundlePathError(
      `invalid bundle path ${show(path)}: expected a relative path of letters, digits, . _ - / without .. or hidden segments`,
    );
  }
  return path;
}

/** `projects/<project>/runs/<date>/<run id>`: the bundle directory relative to the KB root. */
export function buildBundleRelativeDir(project: string, date: string, runId: string): string {
  const L = kb.RUN_BUNDLE_LAYOUT;
  return [
    L.projectsDir,
    validateProjectName(project),
    L.runsDir,
    validateBundleDate(date),
    validateRunId(runId),
  ].join('/');
}

/**
 * Resolves `relPath` under `root` and proves it stays there: lexically (no `..` escape) and on disk
 * (no existing component below the root is a symbolic link, which could point anywhere).
 */
export function resolveInside(root: string, relPath: string): string {
  if (!isAbsolute(root)) throw new BundlePathError(`the KB root must be an absolute path, got ${show(root)}`);
  const base = resolve(root);
  const target = resolve(base, relPath);
  const rel = relative(base, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new BundlePathError(`path ${show(relPath)} leaves the KB root`);
  }
  let current = base;
  for (const part of rel.split(sep)) {
    current = join(current, part);
    try {
      if (lstatSync(current).isSymbolicLink()) {
        throw new BundlePathError(`path ${show(relPath)} goes through a symbolic link; refusing to write`);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') break;
      throw error;
    }
  }
  return target;
}

/** Creates the directory `relDir` under `root` (checked with {@link resolveInside}). */
export function ensureDirInside(root: string, relDir: string): string {
  const dir = resolveInside(root, relDir);
  mkdirSync(dir, { recursive: true });
  // A link created between the check and mkdir would be caught here.
  resolveInside(root, relDir);
  return dir;
}

/** A snapshot name for a step: `<step id>-<suffix>`, the step id shortened so the slug fits 63 characters. */
export function buildSnapshotName(stepId: string, suffix: string): string {
  const room = 63 - suffix.length - 1;
  return `${stepId.slice(0, room).replace(/-+$/, '')}-${suffix}`;
}
