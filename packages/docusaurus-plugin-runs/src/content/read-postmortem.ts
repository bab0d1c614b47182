import { readFile } from 'node:fs/promises';
import { DEFAULT_PARSE_FRONT_MATTER } from '@docusaurus/utils';
import * as kb from '@fieldops/contracts/kb/v1';
import { InvalidBundleError } from '../errors.js';
import { markdownText, type RenderMarkdownOptions, renderMarkdown } from '../render/markdown.js';
import type { LoadedPostmortem } from '../types.js';
import { parseIn } from './bundle-files.js';

// YAML turns an unquoted `2026-11-27T10:00:00Z` into a Date; the contract wants the string.
function datesToIso(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(datesToIso);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, datesToIso(v)]));
  }
  return value;
}

/** Reads `postmortem.md`: front matter checked as `kb.v1.PostmortemFrontMatter`, body rendered and sanitized. */
export async function readPostmortem(
  file: string,
  relative: string,
  options: RenderMarkdownOptions = {},
): Promise<LoadedPostmortem> {
  let fileContent: string;
  try {
    fileContent = await readFile(file, 'utf8');
  } catch (cause) {
    throw new InvalidBundleError(file, `cannot read the file (${(cause as NodeJS.ErrnoException).code})`, {
      cause,
    });
  }
  let parsed: { frontMatter: Record<string, unknown>; content: string };
  try {
    parsed = await DEFAULT_PARSE_FRONT_MATTER({ filePath: file, fileContent });
  } catch (cause) {
    throw new InvalidBundleError(file, `bad front matter: ${(cause as Error).message}`, { cause });
  }
  const frontMatter = parseIn(kb.PostmortemFrontMatter, datesToIso(parsed.frontMatter), file);
  return {
    path: relative,
    frontMatter,
    html: await renderMarkdown(parsed.content, options),
    text: await markdownText(parsed.content),
  };
}
