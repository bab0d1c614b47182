// Types shared by the node side (loading, props, routes) and the theme components. Type-only: the
// theme imports them with `import type`, so nothing here reaches the browser bundle.
import type * as kb from '@fieldops/contracts/kb/v1';

/** A run record as stored in `run.json` (`automation.v1.RunRecord`). */
export type RunRecord = kb.RunBundle['run'];
/** One step result of a run. */
export type StepResult = RunRecord['steps'][number];
/** One status change of a run or a step. */
export type TimelineEntry = RunRecord['timeline'][number];
/** Status of a run. */
export type RunStatus = RunRecord['status'];
/** Status of a step. */
export type StepStatus = StepResult['status'];

/** A run of text with the same ANSI style. Colours are palette names or `#rrggbb`. */
export interface AnsiSegment {
  text: string;
  fg?: string;
  bg?: string;
  bold?: true;
  dim?: true;
  italic?: true;
  underline?: true;
}

/** One log line as the log viewer renders it. */
export interface LogLine {
  /** 1-based line number in the NDJSON file. */
  n: number;
  ts: string;
  level: kb.LogEntry['level'];
  step_id?: string;
  stream?: 'stdout' | 'stderr' | 'runner';
  segments: AnsiSegment[];
}

/** A log of a bundle after loading: lines kept up to `maxLogLines`, the rest only counted. */
export interface LoadedLog {
  /** Path inside the bundle, e.g. `logs/deploy.ndjson`. */
  path: string;
  /** URL-safe name unique within the bundle, e.g. `deploy`. */
  slug: string;
  step_id?: string;
  lines: LogLine[];
  /** Lines in the file (kept or not). */
  totalLines: number;
}

/** A configuration snapshot after loading, its content serialized for display and diffing. */
export interface LoadedSnapshot {
  path: string;
  name: string;
  title?: string;
  step_id?: string;
  target?: string;
  taken_at: string;
  format: kb.ConfigSnapshot['format'];
  /** Stable text form of the content: pretty JSON with sorted keys, or the text itself. */
  text: string;
  redactions: kb.ConfigSnapshot['redactions'];
}

/** The postmortem after loading: validated front matter and sanitized HTML. */
export interface LoadedPostmortem {
  path: string;
  frontMatter: kb.PostmortemFrontMatter;
  /** Sanitized HTML: raw HTML in the source is shown as text, never interpreted. */
  html: string;
  /** Plain text of the body, for excerpts. */
  text: string;
}

/** One validated bundle. */
export interface LoadedRun {
  /** Absolute directory of the bundle. */
  dir: string;
  project: string;
  date: string;
  title?: string;
  /** The run record; of an archived run without its timeline and with only its failed steps (see `archivedRecord`). */
  run: RunRecord;
  logs: LoadedLog[];
  snapshots: LoadedSnapshot[];
  artifacts: kb.Artifact[];
  postmortem?: LoadedPostmortem;
  /** Read for the archive view: validated, but log lines not kept; no full page. */
  archived?: true;
  /**
   * With a validation cache: a hash of the bundle's files' contents (their sha256), so a pack of
   * unchanged archived runs can be reused from the cache of an earlier build (decision 0047).
   */
  version?: string;
}

/** What `loadContent` returns. */
export interface RunsContent {
  runs: LoadedRun[];
  /** Bundles skipped with a warning (`onInvalidBundle: 'warn'`), as `file: message`. */
  skipped: { file: string; message: string }[];
}

/** One line of a diff. */
export interface DiffLine {
  op: 'equal' | 'add' | 'remove';
  text: string;
  /** Line number in the old text (equal and remove). */
  a?: number;
  /** Line number in the new text (equal and add). */
  b?: number;
}

/** A group of diff lines with a little context around changes. */
export interface DiffHunk {
  lines: DiffLine[];
}

/** A run as it appears in lists. */
export interface RunSummary {
  id: string;
  project: string;
  date: string;
  title?: string;
  status: RunStatus;
  deployment_id: string;
  started_at?: string;
  finished_at?: string;
  duration_ms?: number;
  failed_step?: string;
  has_postmortem: boolean;
  /** The full page, or for an archived run the archive view (`…/_archive?run=…`). */
  permalink: string;
  /** No full page: shown by the archive view from static files. */
  archived?: true;
}

/** Props data of the projects index page. */
export interface ProjectsIndexData {
  title: string;
  projects: {
    name: string;
    permalink: string;
    runs: number;
    byStatus: Partial<Record<RunStatus, number>>;
    latest?: RunSummary;
  }[];
}

/** Props data of a project's run list page. */
export interface RunListData {
  project: string;
  projectsPermalink: string;
  /** Runs grouped by date, newest date first. */
  days: { date: string; runs: RunSummary[] }[];
  statuses: RunStatus[];
  /** Runs of the project on all pages. */
  total: number;
  /** This page among the project's list pages. */
  pagination: { page: number; pageCount: number; first: string; last: string; prev?: string; next?: string };
  /** Page 1 of the project's archived-runs index, when it has archived runs. */
  archivedIndex?: string;
  /**
   * Page 1 only: the URL of page `n`'s data is `${pageData}/${n}.json`. Page 1 is pre-rendered;
   * later pages (`?page=n`) are loaded in the browser (decision 0050).
   */
  pageData?: string;
}

/**
 * Props data of one page of a project's archived-runs index: each archived run's id, title and
 * status, and nothing else, so the local search indexes archived runs once and cheaply.
 */
export interface ArchivedIndexData {
  project: string;
  /** The project's run list (page 1). */
  projectPermalink: string;
  runs: { id: string; title?: string; status: RunStatus; permalink: string }[];
  /** Archived runs of the project on all pages. */
  total: number;
  pagination: { page: number; pageCount: number; prev?: string; next?: string };
}

/** Data of the archive view route (one per plugin instance). */
export interface ArchiveRouteData {
  projectsPermalink: string;
  /** `<base>/<routeBasePath>`: archived runs are packed under `<runsBase>/<project>/_archive/` (see `archiveIndexUrl`). */
  runsBase: string;
  logPageSize: number;
  maxLogLines: number;
}

/** An archived run's archive data, first piece of its pack entry: everything its view shows but the logs (the entry's other pieces). */
export interface ArchivedRunData {
  summary: RunSummary;
  projectPermalink: string;
  /** The run record of the bundle's run.json. */
  run: RunRecord;
  logs: { path: string; slug: string; step_id?: string; totalLines: number }[];
  /** Redacted snapshots with their diff to the previous run (the raw snapshot files are not published). */
  snapshots: SnapshotView[];
  artifacts: ArtifactView[];
  postmortem?: { frontMatter: kb.PostmortemFrontMatter; html: string };
  previousRun?: { id: string; permalink: string };
}

/** One page of one log. */
export interface LogPageData {
  path: string;
  slug: string;
  step_id?: string;
  page: number;
  pageCount: number;
  /** Permalink of each page, index 0 = page 1 (the run page itself). */
  pagePermalinks: string[];
  lines: LogLine[];
  totalLines: number;
  /** Lines in the file that are not shown because the log exceeded `maxLogLines`. */
  truncatedLines: number;
  /** URL of the raw NDJSON file copied next to the built page. */
  rawHref: string;
}

/** A snapshot on the run page, with the diff to the same snapshot of the previous run. */
export interface SnapshotView {
  name: string;
  title?: string;
  step_id?: string;
  target?: string;
  taken_at: string;
  format: LoadedSnapshot['format'];
  text: string;
  redactions: LoadedSnapshot['redactions'];
  previous?: {
    run_id: string;
    permalink: string;
    identical: boolean;
    added: number;
    removed: number;
    hunks: DiffHunk[];
  };
}

/** An artifact link; `href` is absent when the artifact has no safe link. */
export interface ArtifactView {
  name: string;
  href?: string;
  media_type?: string;
  bytes?: number;
  step_id?: string;
}

/** Props data of a run page. */
export interface RunPageData {
  summary: RunSummary;
  run: RunRecord;
  projectPermalink: string;
  /** Logs, each with its first page. */
  logs: LogPageData[];
  snapshots: SnapshotView[];
  artifacts: ArtifactView[];
  postmortem?: { frontMatter: kb.PostmortemFrontMatter; html: string };
  previousRun?: { id: string; permalink: string };
}

/** Props data of a log page beyond the first. */
export interface LogRoutePageData {
  run: RunSummary;
  runPermalink: string;
  log: LogPageData;
}
