import { ChirpStackNotFoundError, isDuplicateKeyError } from '../../errors.js';
import type { DeviceKeysInput } from '../../types.js';
import type { ApplyContext } from './context.js';
import { KeysWriteFailed } from './context.js';

/** How a device's keys are written: as planned, or `adopt` (the device existed: ask GetKeys first). */
export type KeysMode = 'create' | 'update' | 'adopt';

/**
 * Writes a device's root keys. CreateKeys on a device that has keys is a duplicate key (INTERNAL
 * on ChirpStack 4.19) and becomes UpdateKeys; UpdateKeys on one without is NOT_FOUND and becomes
 * CreateKeys; `adopt` reads first (GetKeys) and picks. Failures are reported against `device_keys`.
 */
export async function writeKeys(ctx: ApplyContext, keys: DeviceKeysInput, mode: KeysMode): Promise<void> {
  const { client } = ctx;
  try {
    let first: 'create' | 'update' = mode === 'adopt' ? 'update' : mode;
    if (mode === 'adopt') {
      try {
        await client.getDeviceKeys(keys.dev_eui);
      } catch (error) {
        if (!(error instanceof ChirpStackNotFoundError)) throw error;
        first = 'create';
      }
    }
    try {
      if (first === 'create') await client.createDeviceKeys(keys);
      else await client.updateDeviceKeys(keys);
    } catch (error) {
      if (first === 'create' && isDuplicateKeyError(error)) await client.updateDeviceKeys(keys);
      else if (first === 'update' && error instanceof ChirpStackNotFoundError)
        await client.createDeviceKeys(keys);
      else throw error;
    }
  } catch (error) {
    throw new KeysWriteFailed(error);
  }
}
