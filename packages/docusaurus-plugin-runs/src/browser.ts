// @fieldops/docusaurus-plugin-runs/browser: the pure helpers the theme components run in the
// browser (no Node built-ins). The node entry re-exports them too.

export type { ArchivePackIndex, PackedRunLocation } from './props/archive-pack.js';
export {
  ARCHIVE_PACK_VERSION,
  archiveIndexUrl,
  findPackedRun,
  sliceRangeResponse,
  unpackArchivedRun,
} from './props/archive-pack.js';
export {
  buildArchivedRunPage,
  parseArchivedRunParam,
  parseLogText,
} from './props/archived-run-page.js';
export { parseAnsi } from './render/ansi.js';
export { isLocalImageSrc, isSafeAbsoluteUrl, isSafeHref } from './render/safe-href.js';
