// Failures Meta reports only through the webhook (`statuses[].status = "failed"`), mapped to what the
// engine does next, like the synchronous path in errors.ts.
// Codes: https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes

/** What a failed status leads to. */
export type WhatsAppStatusAction = 'template' | 'retry' | 'failover';

// Temporary on Meta's side or throttling: the same message may go through later.
const RETRY = new Set([
  1, // API Unknown
  2, // API Service
  130429, // Rate limit hit
  131000, // Something went wrong
  131016, // Service unavailable
  131056, // (Business account, consumer account) pair rate limit hit
  131057, // Account in maintenance mode
  133004, // Server temporarily unavailable
]);

/**
 * The action for a failed status's error code: 131047 (re-engagement: more than 24 hours since the
 * user's last reply) re-sends as the template; temporary errors retry the same channel; everything
 * else (131026 message undeliverable, 131049 not delivered to maintain ecosystem engagement, 131050
 * user stopped marketing messages, 131051 unsupported type, 131052/131053 media, 131042 payment,
 * 132xxx template problems, unknown codes) fails over to the contact's next channel.
 */
export function classifyWhatsAppStatusError(code: number | undefined): WhatsAppStatusAction {
  if (code === 131047) return 'template';
  if (code !== undefined && RETRY.has(code)) return 'retry';
  return 'failover';
}
