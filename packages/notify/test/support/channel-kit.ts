import type { Message } from '@fieldops/contracts/notify/v1';
import { describe, expect, it } from 'vitest';
import type { Channel, ChannelDeps, SendResult } from '../../src/channels/channel.js';
import { SecretVault } from '../../src/secrets.js';
import { captureLogger } from './helpers.js';

/** How the provider should answer the next send. */
export type ProviderAnswer = 'ok' | 'server_error' | 'client_error' | 'rate_limited' | 'network_error';

/** One channel under the shared kit. */
export interface ChannelKitCase {
  name: string;
  /** A secret value (token, webhook URL, password) that must never come out. */
  canary: string;
  /** Builds the channel with the deps the kit provides (the canary is behind a SecretRef). */
  make(deps: ChannelDeps): Channel;
  message: Message;
  /** Makes the provider give this answer to the next send. */
  answer(kind: ProviderAnswer): void | Promise<void>;
  /** The wait the rate-limited answer asks for, in ms, when the provider says one. */
  rateLimitWaitMs?: number;
}

/** Makes the deps: the canary resolves through a resolver, so it is a secret the vault knows. */
export function kitDeps(canary: string): ChannelDeps & { lines: string[] } {
  const logger = captureLogger();
  const vault = new SecretVault(async () => canary);
  return {
    fetch: (...a) => globalThis.fetch(...a),
    vault,
    logger,
    clock: { now: () => Date.now() },
    lines: logger.lines,
  };
}

/**
 * The shared channel test kit (STYLE: one kit checks every integration for retries and leaked
 * secrets): success, 5xx retryable, 4xx not, rate limits retryable with the provider's wait, network
 * errors retryable, and the secret never in a result, a log line or an error.
 */
export function describeChannelKit(c: ChannelKitCase): void {
  describe(`${c.name}: channel kit`, () => {
    const run = async (kind: ProviderAnswer): Promise<SendResult> => {
      const deps = kitDeps(c.canary);
      const channel = c.make(deps);
      await c.answer(kind);
      let result: SendResult;
      try {
        result = await channel.send(c.message);
      } finally {
        await channel.close?.();
      }
      const seen = JSON.stringify(result) + deps.lines.join('\n');
      expect(seen).not.toContain(c.canary);
      return result;
    };

    it('succeeds', async () => {
      expect((await run('ok')).ok).toBe(true);
    });
    it('marks a server error retryable', async () => {
      expect(await run('server_error')).toMatchObject({ ok: false, retryable: true });
    });
    it('marks a client error not retryable', async () => {
      expect(await run('client_error')).toMatchObject({ ok: false, retryable: false });
    });
    it('marks a rate limit retryable, with the provider wait', async () => {
      const r = await run('rate_limited');
      expect(r).toMatchObject({ ok: false, retryable: true });
      if (c.rateLimitWaitMs !== undefined && !r.ok) expect(r.retry_after_ms).toBe(c.rateLimitWaitMs);
    });
    it('marks a network error retryable and leaks no secret in it', async () => {
      expect(await run('network_error')).toMatchObject({ ok: false, retryable: true });
    });
  });
}
