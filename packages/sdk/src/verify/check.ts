import { safeParseContract } from '@fieldops/contracts';
import { FieldopsError } from '@fieldops/core';

type Schema = Parameters<typeof safeParseContract>[0];

/** The outcome of one conformance check. */
export interface CheckResult {
  /** Stable name, e.g. `ingest.replay`. */
  name: string;
  status: 'pass' | 'fail' | 'skip';
  /** Why it failed or was skipped. */
  detail?: string;
  /** The API version the check ran against, when a run covered several. */
  version?: number;
}

/** Options of the verifiers. */
export interface VerifyOptions {
  /** Base URL of the implementation under test. */
  baseUrl: string;
  /** Bearer token for authenticated operations (also enables the 401 check). */
  token?: string | undefined;
  /** Defaults to the global fetch. */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
  /** Random suffix source for the ids the run creates; default Math.random. */
  random?: (() => number) | undefined;
  /** Per-request timeout; default 10 s (a hanging implementation fails the check, not the run). */
  timeoutMs?: number | undefined;
  /** Called with each check's result as it is known (progress of a long run). */
  onCheck?: ((result: CheckResult) => void) | undefined;
}

/** A check failure with its reason (code `check_failed`). */
export class CheckFailed extends FieldopsError {
  override name = 'CheckFailed';
  constructor(message: string) {
    super('check_failed', message);
  }
}

/** A response and its parsed JSON body. */
export interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Sends a JSON request and reads the answer (never throws on HTTP status). */
export async function send(
  options: VerifyOptions,
  method: string,
  path: string,
  init: {
    body?: unknown;
    headers?: Record<string, string>;
    auth?: boolean;
    /** Another bearer token than `options.token` for this request (a station's). */
    token?: string | undefined;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  const token = init.token ?? options.token;
  if (init.auth !== false && token) headers.authorization = `Bearer ${token}`;
  const request = new Request(`${options.baseUrl.replace(/\/+$/, '')}${path}`, {
    method,
    headers,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    ...(init.body !== undefined
      ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }
      : {}),
  });
  const response = await (options.fetch ?? ((r: Request) => globalThis.fetch(r)))(request);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, headers: response.headers, body };
}

/** Asserts the status is one of `expected`. */
export function expectStatus(a: Answer, ...expected: number[]): void {
  if (!expected.includes(a.status)) {
    const code = (a.body as { error?: { code?: string } } | undefined)?.error?.code;
    throw new CheckFailed(
      `expected HTTP ${expected.join(' or ')}, got ${a.status}${code ? ` (${code})` : ''}`,
    );
  }
}

/** Asserts the body satisfies `schema` and returns it parsed. */
export function expectBody<T = unknown>(a: Answer, schema: Schema): T {
  const r = safeParseContract(schema, a.body);
  if (!r.success)
    throw new CheckFailed(
      `body does not satisfy ${r.error.contract}: ${r.error.lines().slice(0, 3).join('; ')}`,
    );
  return r.data as T;
}

/** Asserts a condition. */
export function expectThat(ok: boolean, message: string): void {
  if (!ok) throw new CheckFailed(message);
}

/** Runs checks in order, recording each; a check whose `needs` failed is skipped. */
export function createCheckRunner(
  secrets: readonly (string | undefined)[],
  onCheck?: (result: CheckResult) => void,
) {
  const results: CheckResult[] = [];
  const record = (result: CheckResult) => {
    results.push(result);
    onCheck?.(result);
  };
  const scrub = (s: string) => secrets.reduce<string>((t, x) => (x ? t.split(x).join('[redacted]') : t), s);
  return {
    results,
    async check(name: string, fn: () => Promise<void>, needs: readonly string[] = []): Promise<boolean> {
      const missing = needs.find((n) => results.find((r) => r.name === n)?.status !== 'pass');
      if (missing) {
        record({ name, status: 'skip', detail: `needs ${missing}` });
        return false;
      }
      try {
        await fn();
        record({ name, status: 'pass' });
        return true;
      } catch (error) {
        const why =
          error instanceof CheckFailed
            ? error.message
            : `error: ${error instanceof Error ? error.message : String(error)}`;
        record({ name, status: 'fail', detail: scrub(why) });
        return false;
      }
    },
    skip(name: string, detail: string) {
      record({ name, status: 'skip', detail });
    },
  };
}

/** A short random suffix of letters and digits. */
export function suffix(random: () => number, length = 12): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 36).toString(36);
  return out;
}

/** Formats results as a pass/fail table. */
export function formatResults(title: string, results: readonly CheckResult[]): string {
  const label = (r: CheckResult) => (r.version === undefined ? r.name : `v${r.version} ${r.name}`);
  const width = Math.max(5, ...results.map((r) => label(r).length));
  const lines = [
    `${title}`,
    '',
    `${'check'.padEnd(width)}  result  detail`,
    `${'-'.repeat(width)}  ------  ------`,
  ];
  for (const r of results) {
    lines.push(`${label(r).padEnd(width)}  ${r.status.toUpperCase().padEnd(6)}  ${r.detail ?? ''}`.trimEnd());
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  const passed = results.filter((r) => r.status === 'pass').length;
  const skipped = results.length - failed - passed;
  lines.push('', `${passed} passed, ${failed} failed, ${skipped} skipped`);
  return `${lines.join('\n')}\n`;
}
