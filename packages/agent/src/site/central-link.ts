import { createRelay, type Outbox, type Publisher, type Relay, type SqlDatabase } from '@fieldops/bus';
import { type Logger, noopLogger } from '@fieldops/core';
import type { AgentService } from '../agent.js';

/** A connection to the central bus as the relay needs it. */
export interface CentralConnection {
  publisher: Publisher;
  /** True while the link is up (shown by /healthz; the relay's back-off does the real work). */
  connected?(): boolean;
  close(): Promise<void>;
}

/** Options of {@link createCentralLink}. */
export interface CentralLinkOptions {
  db: SqlDatabase;
  outbox: Outbox;
  /** Opens the link; may wait as long as the centre is unreachable (it runs in the background). */
  connect: () => Promise<CentralConnection>;
  /** Shown under /healthz (e.g. the NATS servers). */
  describe: string;
  /** How often /healthz's outbox count is refreshed, ms (default 2,000). */
  pendingRefreshMs?: number;
  /** Wait before opening again after `connect` failed (e.g. refused credentials), ms (default 30,000). */
  reconnectDelayMs?: number;
  logger?: Logger;
}

/**
 * The outbox relay to the central bus as an agent service. Starting never waits for the centre: the
 * link is opened in the background and the relay starts once it is up. Until then, and whenever the
 * centre is down later (the relay backs off and retries), events stay in the outbox; nothing is
 * dropped, and the relay backfills in outbox order when the centre answers again.
 */
export function createCentralLink(options: CentralLinkOptions): AgentService {
  const logger = options.logger ?? noopLogger;
  let connection: CentralConnection | undefined;
  let relay: Relay | undefined;
  let stopped = false;
  let opening: Promise<void> | undefined;
  let pending: number | undefined;
  let lastError: string | undefined;
  let refresher: ReturnType<typeof setInterval> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const refresh = () => {
    options.outbox.pendingCount().then(
      (n) => {
        pending = n;
      },
      () => {},
    );
  };

  async function open(): Promise<void> {
    try {
      const c = await options.connect();
      if (stopped) {
        await c.close();
        return;
      }
      connection = c;
      relay = createRelay({ db: options.db, publisher: c.publisher, outbox: options.outbox, logger });
      relay.start();
      lastError = undefined;
      logger.info(
        { operation: 'agent.central', central: options.describe },
        'central bus connected, relay started',
      );
    } catch (error) {
      lastError = String((error as Error)?.message ?? error).slice(0, 400);
      logger.error(
        { operation: 'agent.central', central: options.describe, err: lastError },
        'central bus link failed; events stay in the outbox',
      );
      // Credentials may be fixed at the centre without touching the site: try again later.
      if (!stopped) {
        retry = setTimeout(() => {
          opening = open();
        }, options.reconnectDelayMs ?? 30_000);
        retry.unref?.();
      }
    }
  }

  return {
    name: 'central',
    start() {
      stopped = false;
      refresh();
      refresher = setInterval(refresh, options.pendingRefreshMs ?? 2_000);
      refresher.unref?.();
      opening = open();
    },
    async stop() {
      stopped = true;
      if (refresher) clearInterval(refresher);
      if (retry) clearTimeout(retry);
      await relay?.stop();
      relay = undefined;
      await connection?.close();
      connection = undefined;
      // A connect still waiting for an unreachable centre is left to settle; `open` closes it then.
      void opening;
    },
    health: () => ({
      central: options.describe,
      connected: connection ? (connection.connected?.() ?? true) : false,
      relay: relay ? 'running' : 'waiting for the central bus',
      outbox_pending: pending ?? null,
      ...(lastError ? { last_error: lastError } : {}),
    }),
  };
}
