import { parseAnsi } from '../render/ansi.js';
import type { ArchivedRunData, LogLine, LogPageData, RunPageData } from '../types.js';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const STREAMS = new Set(['stdout', 'stderr', 'runner']);

/**
 * Turns an archived run's raw NDJSON log into the lines the log viewer shows: each message through
 * the same ANSI parser as a full page (text only, never markup), at most `keep` lines kept.
 */
export function parseLogText(text: string, keep: number): { lines: LogLine[]; totalLines: number } {
  const lines: LogLine[] = [];
  let totalLines = 0;
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    totalLines++;
    if (lines.length >= keep) return;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    const line: LogLine = {
      n: i + 1,
      ts: typeof entry.ts === 'string' ? entry.ts : '',
      level: (LEVELS.has(entry.level as string) ? entry.level : 'info') as LogLine['level'],
      segments: parseAnsi(typeof entry.msg === 'string' ? entry.msg : ''),
    };
    if (typeof entry.step_id === 'string') line.step_id = entry.step_id;
    if (STREAMS.has(entry.stream as string)) line.stream = entry.stream as LogLine['stream'];
    lines.push(line);
  });
  return { lines, totalLines };
}

/**
 * The props of a run page for an archived run, from its pack entry: the archive data (with the run
 * record) and the text of its logs (in `archive.logs` order). Logs show their first `logPageSize`
 * lines; the rest are counted and linked as the raw text at `rawHrefs[i]` (the archive view makes
 * them from the texts it fetched).
 */
export function buildArchivedRunPage(
  archive: ArchivedRunData,
  logTexts: readonly string[],
  logPageSize: number,
  rawHrefs: readonly string[] = [],
): RunPageData {
  const logs = archive.logs.map((log, i): LogPageData => {
    const { lines, totalLines } = parseLogText(logTexts[i] ?? '', logPageSize);
    const page: LogPageData = {
      path: log.path,
      slug: log.slug,
      page: 1,
      pageCount: 1,
      pagePermalinks: [archive.summary.permalink],
      lines,
      totalLines,
      truncatedLines: totalLines - lines.length,
      rawHref: rawHrefs[i] ?? '',
    };
    if (log.step_id !== undefined) page.step_id = log.step_id;
    return page;
  });
  const page: RunPageData = {
    summary: archive.summary,
    run: archive.run,
    projectPermalink: archive.projectPermalink,
    logs,
    snapshots: archive.snapshots,
    artifacts: archive.artifacts,
  };
  if (archive.postmortem) page.postmortem = archive.postmortem;
  if (archive.previousRun) page.previousRun = archive.previousRun;
  return page;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RUN_ID = /^run_[0-9A-Za-z]{4,64}$/;

/** Parses the archive view's `?run=<project>/<date>/<run id>`; anything else is `undefined`. */
export function parseArchivedRunParam(
  value: string | null,
): { project: string; date: string; id: string } | undefined {
  const parts = (value ?? '').split('/');
  if (parts.length !== 3) return undefined;
  const [project, date, id] = parts as [string, string, string];
  if (!SLUG.test(project) || !DATE.test(date) || !RUN_ID.test(id)) return undefined;
  return { project, date, id };
}
