import type { ContractIssue } from '@fieldops/contracts';

const PREFIX = '@fieldops/docusaurus-plugin-runs';

/** Base class of every error this plugin throws; `code` is stable for programs. */
export class RunsPluginError extends Error {
  override readonly name: string = 'RunsPluginError';
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(`${PREFIX}: ${message}`, options);
    this.code = code;
  }
}

/**
 * A bundle that does not match the contracts. The message names the file, the contract and the
 * path of each bad field: `…/run.json: kb.v1.RunBundle: run.status: Invalid option…`.
 */
export class InvalidBundleError extends RunsPluginError {
  override readonly name = 'InvalidBundleError';
  /** Absolute path of the file that failed. */
  readonly file: string;
  /** `point.vN.Name` of the contract, when a contract check failed. */
  readonly contract: string | undefined;
  /** The problems found (empty for I/O or layout problems). */
  readonly issues: readonly ContractIssue[];

  constructor(
    file: string,
    detail: string,
    extra: { contract?: string; issues?: readonly ContractIssue[]; cause?: unknown } = {},
  ) {
    super('invalid_bundle', `invalid run bundle ${file}: ${detail}`, { cause: extra.cause });
    this.file = file;
    this.contract = extra.contract;
    this.issues = extra.issues ?? [];
  }
}
