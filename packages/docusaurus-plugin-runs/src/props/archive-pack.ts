// The layout of archived runs' packs, shared by the writer (node) and the archive view (browser).
// Archived runs are packed per project and month: `<runsBase>/<project>/_archive/<YYYY-MM>.json` is
// the month's index (run id -> part, byte offset, byte lengths) and `<YYYY-MM>.<n>.pack` its parts.
// An entry is the run's archive JSON (`ArchivedRunData`) followed by the raw bytes of each of its
// logs, in `archive.logs` order; the index gives each piece's length. See decision 0047.
import type { ArchivedRunData } from '../types.js';

/** Format version of a month's index. */
export const ARCHIVE_PACK_VERSION = 1;

/** A month's index of archived runs (`<YYYY-MM>.json`). */
export interface ArchivePackIndex {
  v: typeof ARCHIVE_PACK_VERSION;
  /** Part file names, beside the index. */
  parts: string[];
  /** Run id -> [part index, byte offset in the part, [archive JSON bytes, bytes of each log…]]. */
  runs: Record<string, [number, number, number[]]>;
}

/** Where one archived run's entry is: its part's URL, its byte offset and the lengths of its pieces. */
export interface PackedRunLocation {
  url: string;
  offset: number;
  lengths: number[];
}

/** The month of a run date (`YYYY-MM-DD` -> `YYYY-MM`): archived runs are packed per project and month. */
export function archiveMonthOf(date: string): string {
  return date.slice(0, 7);
}

/** The folder of a project's packs, relative to the plugin's route base (`<project>/_archive`). */
export function archivePackDir(project: string): string {
  return `${project}/_archive`;
}

/** The URL of the month index holding a run, under `runsBase` (`<base>/<routeBasePath>`). */
export function archiveIndexUrl(runsBase: string, project: string, date: string): string {
  return `${runsBase}/${archivePackDir(project)}/${archiveMonthOf(date)}.json`;
}

/** Finds a run in a month's index: its part's URL (beside `indexUrl`), offset and piece lengths. */
export function findPackedRun(
  index: ArchivePackIndex,
  indexUrl: string,
  id: string,
): PackedRunLocation | undefined {
  if (index?.v !== ARCHIVE_PACK_VERSION || !Object.hasOwn(index.runs ?? {}, id)) return undefined;
  const [part, offset, lengths] = index.runs[id] as [number, number, number[]];
  const name = index.parts[part];
  if (name === undefined || !/^[0-9]{4}-[0-9]{2}\.[0-9]+\.pack$/.test(name)) return undefined;
  return { url: `${indexUrl.slice(0, indexUrl.lastIndexOf('/') + 1)}${name}`, offset, lengths };
}

/**
 * The bytes of one entry from a response to a `Range` request: a 206 whose `Content-Range` starts
 * at `offset` holds just the entry; a 200 (a host that ignores `Range`) holds the whole part, which
 * is cut here. Anything else is `undefined`.
 */
export function sliceRangeResponse(
  status: number,
  contentRange: string | null,
  body: Uint8Array,
  offset: number,
  length: number,
): Uint8Array | undefined {
  if (status === 206) {
    const start = /^bytes (\d+)-/.exec(contentRange ?? '')?.[1];
    return Number(start) === offset && body.length >= length ? body.subarray(0, length) : undefined;
  }
  if (status === 200 && body.length >= offset + length) return body.subarray(offset, offset + length);
  return undefined;
}

/** Splits an entry's bytes into its archive JSON (parsed) and the text of each log. */
export function unpackArchivedRun(
  bytes: Uint8Array,
  lengths: readonly number[],
): { archive: ArchivedRunData; logTexts: string[] } {
  const decoder = new TextDecoder();
  const pieces: string[] = [];
  let at = 0;
  for (const length of lengths) {
    pieces.push(decoder.decode(bytes.subarray(at, at + length)));
    at += length;
  }
  const [json = '', ...logTexts] = pieces;
  return { archive: JSON.parse(json) as ArchivedRunData, logTexts };
}
