import { lookup as dnsLookup } from 'node:dns/promises';
import { ports } from '@fieldops/contracts';
import { LanGuardError } from './errors.js';

/** Resolves a host name to its addresses (injectable; defaults to the system resolver). */
export type LookupFn = (hostname: string) => Promise<readonly { address: string }[]>;

/** The system resolver, every address. */
export const defaultLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Refuses a base URL whose host is outside loopback, private, link-local and unique-local ranges.
 * Host names are resolved and every address must be on the LAN (a name that resolves to one public
 * address is refused). `allowPublicNetwork: true` turns the check off.
 */
export async function assertLanUrl(
  baseUrl: string,
  options: { allowPublicNetwork?: boolean | undefined; lookup?: LookupFn | undefined } = {},
): Promise<void> {
  if (options.allowPublicNetwork) return;
  const host = new URL(baseUrl).hostname;
  const cls = ports.classifyAddress(host);
  if (cls !== 'hostname') {
    if (!ports.isLanAddress(host)) throw refuse(baseUrl, `${host} is a ${cls} address`);
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
