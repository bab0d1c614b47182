// Inbound webhook events (WhatsApp messages and statuses): each is applied once, and only while fresh.
import type { EngineContext } from './context.js';

/**
 * Claims a webhook event by its key (`wa:msg:<id>`, `wa:status:<id>:<status>`): false when the key was
 * seen within the retention, or when the event's own time (`at`, ms) is older than `maxAgeMs` — a
 * replayed or stale delivery changes nothing. Claimed keys are stored with the event keys, so they
 * survive a restart.
 */
export async function claimWebhookEvent(
  s: EngineContext,
  key: string,
  at: number | undefined,
  maxAgeMs: number,
): Promise<boolean> {
  const now = s.clock.now();
  if (at !== undefined && now - at > maxAgeMs) {
    s.logger.warn(
      { component: 'notify', operation: 'webhook', key, age_ms: now - at },
      'stale webhook event ignored',
    );
    return false;
  }
  if (s.eventLog.has(key, now)) return false;
  // Kept at least as long as an event can be fresh, so any replay within the window is caught.
  const expiresAt = now + Math.max(maxAgeMs, s.config.eventKeyTtl);
  s.eventLog.add(key, expiresAt);
  await s.store.put('events', key, { key, expires_at: expiresAt });
  return true;
}
