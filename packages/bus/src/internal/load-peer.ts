import { BusMissingPeerError } from '../errors.js';

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']);

/**
 * Loads an optional peer dependency; a missing package becomes a BusMissingPeerError naming the
 * package to install, any other failure propagates unchanged.
 */
export async function loadPeer<T>(packageName: string, entry: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && NOT_FOUND.has(code))
      throw new BusMissingPeerError(packageName, entry, error);
    throw error;
  }
}
