import type * as automation from '@fieldops/contracts/automation/v1';
import { errorCode, errorMessage } from './errors.js';
import type { Logger } from './logger.js';
import type { AutomationRegistry } from './types.js';

/**
 * Sends the run record to the registry as it changes: one create, then PATCHes in order, each with an
 * idempotency key made once (`<run id>:<seq>`) so a retried call cannot apply twice. A registry outage
 * does not stop the deployment: failures are logged and the next update carries on; the final state is
 * always sent.
 */
export class RunWriteBack {
  readonly #registry: AutomationRegistry | undefined;
  readonly #logger: Logger;
  readonly #onError: (message: string) => void;
  #chain: Promise<void> = Promise.resolve();
  #created = false;
  #seq = 0;
  /** Calls that failed. */
  failures = 0;
  /** Calls made. */
  calls = 0;

  constructor(registry: AutomationRegistry | undefined, logger: Logger, onError: (message: string) => void) {
    this.#registry = registry;
    this.#logger = logger;
    this.#onError = onError;
  }

  // `call` returns false when it decided not to call the registry.
  #enqueue(operation: string, call: (registry: AutomationRegistry) => Promise<boolean>): void {
    const registry = this.#registry;
    if (!registry) return;
    this.#chain = this.#chain.then(async () => {
      try {
        if (await call(registry)) this.calls += 1;
      } catch (error) {
        this.calls += 1;
        this.failures += 1;
        const message = `registry write-back ${operation} failed: ${errorCode(error)}: ${errorMessage(error)}`;
        this.#logger.warn({ contract: 'registry', version: 1, operation, outcome: 'error' }, message);
        this.#onError(message);
      }
    });
  }

  /** Records the run (first call). */
  create(record: automation.RunRecord): void {
    const key = `${record.automation_run_id}:create`;
    this.#enqueue('createAutomationRun', async (r) => {
      await r.createAutomationRun(record, { idempotencyKey: key });
      this.#created = true;
      return true;
    });
  }

  /** Sends the changes since the last update. */
  update(runId: string, update: automation.RunUpdate): void {
    if (Object.keys(update).length === 0) return;
    this.#seq += 1;
    const key = `${runId}:${this.#seq}`;
    this.#enqueue('updateAutomationRun', async (r) => {
      if (!this.#created) return false; // the create failed: the final full record is sent instead
      await r.updateAutomationRun(runId, update, { idempotencyKey: key });
      return true;
    });
  }

  /** When the create never went through, tries it again with the final record. */
  finish(record: automation.RunRecord): void {
    this.#enqueue('createAutomationRun', async (r) => {
      if (this.#created) return false;
      await r.createAutomationRun(record, { idempotencyKey: `${record.automation_run_id}:create-final` });
      this.#created = true;
      return true;
    });
  }

  /** Resolves when every queued call has finished. */
  flush(): Promise<void> {
    return this.#chain;
  }
}
