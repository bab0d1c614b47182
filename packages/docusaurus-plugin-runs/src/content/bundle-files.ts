import { readFile } from 'node:fs/promises';
import { safeParseContract } from '@fieldops/contracts';
import type { z } from 'zod';
import { InvalidBundleError } from '../errors.js';

/** Reads and parses a JSON file; a missing file or bad JSON is an InvalidBundleError naming it. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new InvalidBundleError(file, `cannot read the file (${(cause as NodeJS.ErrnoException).code})`, {
      cause,
    });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InvalidBundleError(file, `not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Validates `value` against a contract; failures name `where` (a file, or `file:line`). */
export function parseIn<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const result = safeParseContract(schema, value);
  if (!result.success) {
    throw new InvalidBundleError(where, result.error.message, {
      contract: result.error.contract,
      issues: result.error.issues,
    });
  }
  return result.data;
}
