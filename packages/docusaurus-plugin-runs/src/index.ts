// @fieldops/docusaurus-plugin-runs: renders fieldops run bundles (run record, logs, config snapshots,
// postmortem) as Docusaurus pages. The default export is the plugin; `validateOptions` is what
// Docusaurus calls on the options. The rest is exported for sites, swizzled components and tools.

// ---- loading and route building (pure builders, usable outside Docusaurus) ----
export type { BundleLocation } from './content/discover-bundles.js';
export { discoverBundles } from './content/discover-bundles.js';
export type { LoadRunsContext, LoadRunsOptions, LoadStats, RunsLoader } from './content/load-content.js';
export { createRunsLoader, loadRuns } from './content/load-content.js';
export type { ReadBundleOptions } from './content/read-bundle.js';
export { readBundle } from './content/read-bundle.js';
export type { RunHead } from './content/retention.js';
export { selectFullPageRuns } from './content/retention.js';
// ---- errors ----
export { InvalidBundleError, RunsPluginError } from './errors.js';
export type { Options, PluginOptions, RetentionOptions } from './options.js';
export { DEFAULT_OPTIONS, validateOptions } from './options.js';
// ---- the plugin ----
export { ARCHIVE_PART_BYTES, writeArchivePacks } from './output/write-archive-packs.js';
export type { RunPaths } from './paths.js';
export { buildRunPaths } from './paths.js';
export { default } from './plugin.js';
export type { ArchivePackIndex, PackedRunLocation } from './props/archive-pack.js';
export {
  ARCHIVE_PACK_VERSION,
  archiveIndexUrl,
  findPackedRun,
  sliceRangeResponse,
  unpackArchivedRun,
} from './props/archive-pack.js';
export { ARCHIVED_INDEX_PAGE_SIZE, buildArchivedIndexPages } from './props/archived-index.js';
export { buildArchivedRunPage, parseArchivedRunParam, parseLogText } from './props/archived-run-page.js';
// ---- rendering helpers ----
export { ANSI_PALETTE, parseAnsi, xterm256 } from './render/ansi.js';
export { buildHunks, diffLines } from './render/diff-lines.js';
export type { RenderMarkdownOptions } from './render/markdown.js';
export { markdownText, renderMarkdown } from './render/markdown.js';
export { isLocalImageSrc, isSafeAbsoluteUrl, isSafeHref } from './render/safe-href.js';
export type { ArchivePackEntry, ArchivePackGroup, FileCopy, FileWrite, RouteSpec } from './routes.js';
export { buildRoutes, RUN_COMPONENTS } from './routes.js';
export { searchIgnoreFiles } from './search.js';
export { getSwizzleConfig } from './swizzle.js';

// ---- types shared with the theme ----
export type {
  AnsiSegment,
  ArchivedIndexData,
  ArchivedRunData,
  ArchiveRouteData,
  ArtifactView,
  DiffHunk,
  DiffLine,
  LoadedLog,
  LoadedPostmortem,
  LoadedRun,
  LoadedSnapshot,
  LogLine,
  LogPageData,
  LogRoutePageData,
  ProjectsIndexData,
  RunListData,
  RunPageData,
  RunRecord,
  RunStatus,
  RunSummary,
  RunsContent,
  SnapshotView,
  StepResult,
  StepStatus,
  TimelineEntry,
} from './types.js';
