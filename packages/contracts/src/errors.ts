import type { z } from 'zod';

/** One problem found in a document: where it is and what is wrong. Never carries the input value. */
export interface ContractIssue {
  /** Path segments from the document root, e.g. `['events', 3, 'station_id']`. */
  readonly path: readonly (string | number)[];
  readonly message: string;
  /** zod's issue code (`invalid_type`, `invalid_format`, `custom`, …). */
  readonly code: string;
}

/** Formats a path the way a reader writes it: `events[3].station_id`; the root is `(root)`. */
export function formatPath(path: readonly (string | number | symbol)[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (/^[A-Za-z_$][\w$-]*$/.test(key)) out += out ? `.${key}` : key;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** Turns zod's issues into contract issues (paths as arrays, no input values). */
export function toContractIssues(error: z.ZodError): ContractIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issue.message,
    code: issue.code,
  }));
}

/**
 * The one error for every contract failure. Its message names the contract, its version and the
 * path of each problem, one line per problem:
 * `rfid.v1.EventBatch: events[3].station_id: expected an id starting stn_`.
 */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  /** Stable machine-readable code. */
  readonly code = 'contract_invalid' as const;
  /** `point.vN.Name`, e.g. `rfid.v1.EventBatch`. */
  readonly contract: string;
  /** The integration point, e.g. `rfid`. */
  readonly point: string;
  /** The version of the point's contract, e.g. `1`. */
  readonly version: number | undefined;
  /** Every problem found, in document order. */
  readonly issues: readonly ContractIssue[];

  constructor(contract: string, issues: readonly ContractIssue[], options?: { cause?: unknown }) {
    super(formatContractIssues(contract, issues), options);
    this.contract = contract;
    const [point, version] = contract.split('.');
    this.point = point ?? contract;
    const v = version?.startsWith('v') ? Number(version.slice(1)) : Number.NaN;
    this.version = Number.isInteger(v) ? v : undefined;
    this.issues = issues;
  }

  /** The problems as `path: message` lines (without the contract prefix). */
  lines(): string[] {
    return this.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  }

  /** A JSON form safe to return in an API error body or print. */
  toJSON(): { contract: string; issues: { path: string; message: string; code: string }[] } {
    return {
      contract: this.contract,
      issues: this.issues.map((i) => ({ path: formatPath(i.path), message: i.message, code: i.code })),
    };
  }
}

/** Formats issues as `contract: path: message` lines. */
export function formatContractIssues(contract: string, issues: readonly ContractIssue[]): string {
  if (issues.length === 0) return `${contract}: invalid`;
  return issues.map((i) => `${contract}: ${formatPath(i.path)}: ${i.message}`).join('\n');
}

/** True when `value` is a ContractError (also across duplicated package copies). */
export function isContractError(value: unknown): value is ContractError {
  return (
    value instanceof ContractError ||
    (typeof value === 'object' &&
      value !== null &&
      (value as { code?: unknown }).code === 'contract_invalid' &&
      Array.isArray((value as { issues?: unknown }).issues))
  );
}
