import { formatPath, validateContract } from '@fieldops/contracts';
import { FieldopsError } from '@fieldops/core';
import type { CliIo } from '../../io.js';
import { UsageError } from '../../io.js';

// The CLI's reader of the central fleet view (contract fleet.v1): one GET, the answer validated
// against the contract, errors a person can act on (the centre down, a bad token, a bad answer).

/** Where the centre listens when neither --centre nor FIELDOPS_FLEET_URL says (fieldops-fleet serve's default). */
export const DEFAULT_CENTRE = 'http://127.0.0.1:8790';

/** A failed call to the centre: unreachable, refused, or an answer outside the contract. */
export class FleetCentreError extends FieldopsError {
  override readonly name = 'FleetCentreError';
  /**
   * @param message what failed and what to do
   * @param status the HTTP status when the centre answered (404: no such site)
   */
  constructor(message: string, status?: number) {
    super('fleet_centre', message, { status });
  }
}

/** How to reach the centre. */
export interface CentreTarget {
  url: string;
  token?: string | undefined;
}

/** The centre's URL and token from `--centre` / FIELDOPS_FLEET_URL and `--token-env` / FIELDOPS_FLEET_TOKEN. */
export function centreTarget(
  values: { centre?: string | undefined; 'token-env'?: string | undefined },
  io: CliIo,
): CentreTarget {
  const url = (values.centre ?? io.env.FIELDOPS_FLEET_URL ?? DEFAULT_CENTRE).replace(/\/+$/, '');
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`fieldops fleet: --centre ${JSON.stringify(url)} is not an http(s) URL`);
  }
  const tokenEnv = values['token-env'] ?? 'FIELDOPS_FLEET_TOKEN';
  const token = io.env[tokenEnv];
  if (values['token-env'] && !token)
    throw new UsageError(`fieldops fleet: the environment variable ${values['token-env']} is empty`);
  return { url, token: token || undefined };
}

/** GETs `path` from the centre and returns the body validated against the contract named `contract` (`fleet.v1.…`). */
export async function getFromCentre<T>(target: CentreTarget, path: string, contract: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, {
      headers: {
        accept: 'application/json',
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
      },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new FleetCentreError(
      `fieldops fleet: cannot reach the centre at ${target.url} (${why}). Is it running (\`fieldops-fleet serve\`)? ` +
        'Point at it with --centre URL or FIELDOPS_FLEET_URL.',
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new FleetCentreError(
      `fieldops fleet: ${target.url}${path} answered ${res.status} with a body that is not JSON; is this a fieldops centre (fleet.v1)?`,
    );
  }
  if (res.status !== 200) {
    const message = (body as { error?: { message?: string } })?.error?.message ?? `HTTP ${res.status}`;
    const hint =
      res.status === 401
        ? ' (set the token in FIELDOPS_FLEET_TOKEN, or name its variable with --token-env)'
        : '';
    throw new FleetCentreError(
      `fieldops fleet: the centre refused (${res.status}): ${message}${hint}`,
      res.status,
    );
  }
  const parsed = validateContract(contract, body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FleetCentreError(
      `fieldops fleet: the centre's answer to ${path} does not satisfy ${parsed.error.contract}` +
        (issue ? ` at ${formatPath(issue.path)}: ${issue.message}` : ''),
    );
  }
  return parsed.data as T;
}

/** Every item of a paged list, following `next_cursor` to the last page. */
export async function getAllPages<I>(target: CentreTarget, path: string, contract: string): Promise<I[]> {
  const items: I[] = [];
  let cursor: string | null = null;
  const sep = path.includes('?') ? '&' : '?';
  do {
    const page: { items: I[]; next_cursor: string | null } = await getFromCentre(
      target,
      `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      contract,
    );
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** Plain text columns, padded to the widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** The options every `fieldops fleet` subcommand takes. */
export const CENTRE_OPTIONS = {
  centre: { type: 'string' },
  'token-env': { type: 'string' },
  json: { type: 'boolean' },
} as const;
