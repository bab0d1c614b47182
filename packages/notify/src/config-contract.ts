import { safeParseContract } from '@fieldops/contracts';
import { Config } from '@fieldops/contracts/notify/v1';
import { NotifyConfigError } from './errors.js';

/**
 * Checks a configuration against the `notify.v1.Config` contract (strict: an unknown key is an error,
 * a WhatsApp channel needs its template); throws NotifyConfigError naming the contract, version and path.
 */
export function validateConfigContract(config: unknown): void {
  const result = safeParseContract(Config, config);
  if (!result.success) throw new NotifyConfigError(result.error.message, result.error);
}
