import type { Logger } from '@fieldops/core';
import type { Middleware } from 'openapi-fetch';

// RFC 9745 §2 (https://www.rfc-editor.org/rfc/rfc9745#section-2): `Deprecation` is a Structured Field
// Date, `@` followed by an integer of seconds since the epoch. RFC 8594 §3
// (https://www.rfc-editor.org/rfc/rfc8594#section-3): `Sunset` is an HTTP-date.

/** What a server said about the deprecation of the API version a client speaks. */
export interface DeprecationNotice {
  /** `point.vN`, e.g. `rfid.v1`. */
  readonly contract: string;
  /** When the version is (or will be) deprecated; undefined when the header is not a valid sf-date. */
  readonly deprecatedAt: Date | undefined;
  /** When the server may stop answering; undefined without a valid `Sunset`. */
  readonly sunsetAt: Date | undefined;
  /** The `rel="deprecation"` link, when given. */
  readonly link: string | undefined;
}

/** Parses an RFC 9745 `Deprecation` value (`@1796083200`); undefined when it is not an sf-date. */
export function parseDeprecationHeader(value: string | null): Date | undefined {
  const m = value === null ? null : /^\s*@(-?\d{1,15})\s*$/.exec(value);
  return m ? new Date(Number(m[1]) * 1000) : undefined;
}

/** Parses an RFC 8594 `Sunset` value (an HTTP-date); undefined when absent or unreadable. */
export function parseSunsetHeader(value: string | null): Date | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function deprecationLink(value: string | null): string | undefined {
  if (!value) return undefined;
  for (const part of value.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?[^";]*\bdeprecation\b/i.test(m[2]!)) return m[1];
  }
  return undefined;
}

// One warning per contract version per process, whichever client saw the header first.
const warned = new Set<string>();

/** Forgets which deprecation warnings were given (for tests that start a fresh "process"). */
export function resetDeprecationWarnings(): void {
  warned.clear();
}

/**
 * A middleware that warns once per process when a server answers with `Deprecation`: through the
 * client's logger when it has one, else as a Node `DeprecationWarning` (`--no-deprecation` silences it).
 */
export function deprecationWarning(contract: string, logger: Logger | undefined): Middleware {
  return {
    onResponse({ response }) {
      const header = response.headers.get('deprecation');
      if (header === null || warned.has(contract)) return undefined;
      warned.add(contract);
      const notice: DeprecationNotice = {
        contract,
        deprecatedAt: parseDeprecationHeader(header),
        sunsetAt: parseSunsetHeader(response.headers.get('sunset')),
        link: deprecationLink(response.headers.get('link')),
      };
      const message =
        `${contract} is deprecated${notice.deprecatedAt ? ` from ${notice.deprecatedAt.toISOString()}` : ''}` +
        `${notice.sunsetAt ? `; the server may stop answering it after ${notice.sunsetAt.toISOString()}` : ''}` +
        `${notice.link ? ` (${notice.link})` : ''}`;
      if (logger) {
        logger.warn(
          {
            contract,
            outcome: 'deprecated',
            deprecated_at: notice.deprecatedAt?.toISOString(),
            sunset_at: notice.sunsetAt?.toISOString(),
            link: notice.link,
          },
          message,
        );
      } else {
        process.emitWarning(message, { type: 'DeprecationWarning', code: 'FIELDOPS_CONTRACT_DEPRECATED' });
      }
      return undefined;
    },
  };
}
