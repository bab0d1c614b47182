// Run events (io.fieldops.automation.run.*.v1) to the notifications engine's HTTP API. A notify
// outage is logged and never fails the run: the run record in the registry is the source of truth.
import type { EventSink } from '@fieldops/sdk/automation';

/** An EventSink posting each event to `POST <url>/notify/events`. */
export function createNotifyEventSink(
  url: string,
  token: string | undefined,
  warn: (text: string) => void,
  fetchFn: typeof fetch = fetch,
): EventSink {
  const endpoint = `${url.replace(/\/+$/, '')}/notify/events`;
  return {
    async emit(event) {
      try {
        const res = await fetchFn(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(event),
        });
        if (!res.ok) warn(`notify answered ${res.status} for ${event.type}`);
        await res.body?.cancel();
      } catch (error) {
        warn(`notify unreachable for ${event.type}: ${(error as Error).message}`);
      }
    },
  };
}
