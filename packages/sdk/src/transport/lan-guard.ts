import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ports } from '@fieldops/contracts';
import { LanGuardError } from './errors.js';

/** Resolves a host name to its addresses (injectable; defaults to the system resolver). */
export type LookupFn = (hostname: string) => Promise<readonly { address: string }[]>;

/** The system resolver, every address. */
export const defaultLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Refuses a base URL whose host is outside loopback, private, link-local and unique-local ranges.
 * Every host name is resolved, `localhost` and `*.localhost` included (a resolver may answer anything
 * for them), and every address must be on the LAN (a name that resolves to one public address is
 * refused). IPv6 literals are parsed, not matched by prefix. `allowPublicNetwork: true` turns the
 * check off.
 */
export async function assertLanUrl(
  baseUrl: string,
  options: { allowPublicNetwork?: boolean | undefined; lookup?: LookupFn | undefined } = {},
): Promise<void> {
  if (options.allowPublicNetwork) return;
  const host = new URL(baseUrl).hostname;
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0) {
    if (!ports.isLanAddress(host))
      throw refuse(baseUrl, `${host} is a ${ports.classifyAddress(host)} address`);
    return;
  }
  let addresses: readonly { address: string }[];
  try {
    addresses = await (options.lookup ?? defaultLookup)(host);
  } catch (cause) {
    throw new LanGuardError(
      'lan_guard_unresolved',
      `rfid: cannot resolve ${host} to check it is on the LAN`,
      {
        cause,
      },
    );
  }
  if (addresses.length === 0) throw refuse(baseUrl, `${host} resolves to no address`);
  const outside = addresses.find((a) => !ports.isLanAddress(a.address));
  if (outside) throw refuse(baseUrl, `${host} resolves to ${outside.address}, a public address`);
}

function refuse(baseUrl: string, why: string): LanGuardError {
  const origin = (() => {
    try {
      return new URL(baseUrl).origin;
    } catch {
      return 'the base URL';
    }
  })();
  return new LanGuardError(
    'lan_guard',
    `rfid: refusing ${origin}: station ingest is LAN-only and ${why}; pass allowPublicNetwork: true to override`,
  );
}

/**
 * Wraps a fetch so that it follows no redirect: the request goes out with `redirect: 'manual'` and a
 * 3xx answer is refused with LanGuardError, so a LAN server can never send a station's batch (and its
 * token) to another address.
 */
export function noRedirectFetch(fetchImpl: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    const response = await fetchImpl(new Request(request, { redirect: 'manual' }));
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      const origin = new URL(request.url).origin;
      throw new LanGuardError(
        'lan_guard_redirect',
        `rfid: refusing a ${response.status} redirect from ${origin}: station ingest follows no redirect (point the client at the final address)`,
      );
    }
    return response;
  };
}
