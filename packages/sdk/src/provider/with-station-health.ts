import type { FetchHandler } from './http.js';
import type { IngestObservation, StationHealthTracker } from './station-health.js';

/**
 * Wraps an RFID provider handler (`createRfidHandler`) so every `POST …/api/v1/events` feeds the
 * station health tracker: heartbeats, their spool depth and clock, and whether the batch was
 * accepted (2xx) or refused as bad input (4xx). Server errors (5xx) are the backend's, not the
 * station's, and are not counted. The request and response pass through unchanged.
 */
export function withStationHealth(handler: FetchHandler, tracker: StationHealthTracker): FetchHandler {
  return async (request) => {
    if (request.method !== 'POST' || !new URL(request.url).pathname.endsWith('/api/v1/events')) {
      return await handler(request);
    }
    const copy = request.clone();
    const response = await handler(request);
    if (response.status >= 500) return response;
    let events: IngestObservation['events'] = [];
    try {
      const body = (await copy.json()) as { events?: unknown };
      if (Array.isArray(body?.events))
        events = body.events.filter(
          (e): e is IngestObservation['events'][number] =>
            !!e && typeof e === 'object' && typeof (e as { station_id?: unknown }).station_id === 'string',
        );
    } catch {
      // A body that is not JSON names no station: nothing to attribute.
    }
    tracker.observeIngest({ events, accepted: response.status < 300 });
    return response;
  };
}
