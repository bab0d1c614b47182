// Renders the cockpit's A2UI stream with @a2ui/lit (decision 0034): every SSE event is one A2UI
// v0.9 message for the renderer's message processor; each surface it creates gets an
// <a2ui-surface> element; user actions (Acknowledge, Silence) are posted back with the operator's
// token. Browser-only: the page imports this module from an effect, never during the static build.
import { basicCatalog } from '@a2ui/lit/v0_9';
import { MessageProcessor } from '@a2ui/web_core/v0_9';

/** Where the cockpit is and who the operator is. */
export interface MountOptions {
  /** The cockpit's base URL, e.g. `http://127.0.0.1:4400/cockpit`. */
  cockpitUrl: string;
  /** Surfaces to show (default fleet and incidents). */
  surfaces?: string[];
  /** The operator's bearer token for actions, read when an action is sent. */
  token?: () => string | undefined;
  /** Called with every action's answer (HTTP status and body text). */
  onActionResult?: (status: number, body: string) => void;
  /** Called after each batch of messages is applied (one animation frame's worth): the batch and the ms it took. */
  onApplied?: (messages: unknown[], ms: number) => void;
}

/** At most this long between a message's arrival and its batch being applied when no frame comes (hidden tab). */
const MAX_BATCH_DELAY_MS = 250;

/** Connects to the stream and renders its surfaces into `root`; returns the disconnect function. */
export function mountCockpit(root: HTMLElement, options: MountOptions): () => void {
  const base = options.cockpitUrl.replace(/\/$/, '');
  const processor = new MessageProcessor([basicCatalog as never], async (action) => {
    const token = options.token?.();
    const res = await fetch(`${base}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ version: 'v0.9', action }),
    });
    options.onActionResult?.(res.status, await res.text());
  });
  processor.model.onSurfaceCreated.subscribe((surface) => {
    const el = document.createElement('a2ui-surface') as HTMLElement & { surface: unknown };
    el.surface = surface;
    el.dataset.surfaceId = surface.id;
    root.append(el);
  });
  processor.model.onSurfaceDeleted.subscribe((id) => {
    root.querySelector(`[data-surface-id="${CSS.escape(id)}"]`)?.remove();
  });
  const surfaces = (options.surfaces ?? ['fleet', 'incidents']).join(',');
  const events = new EventSource(`${base}/stream?surfaces=${encodeURIComponent(surfaces)}`);
  // Messages are applied in batches, one per animation frame: every message that arrived since the
  // last frame goes to the processor in one task, so the renderer draws once per frame instead of
  // once per message (decision 0040). A hidden tab gets no frames: a timer drains the batch then.
  let batch: unknown[] = [];
  let lastEventId = '';
  let frame: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const drain = () => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    if (timer !== undefined) clearTimeout(timer);
    frame = timer = undefined;
    const messages = batch;
    batch = [];
    const t0 = performance.now();
    for (const message of messages) {
      try {
        processor.processMessages([message as never]);
      } catch (err) {
        // One message the renderer refuses must not drop the rest of the batch.
        console.error('cockpit: the renderer refused a message', err);
      }
    }
    root.dataset.lastEventId = lastEventId;
    options.onApplied?.(messages, performance.now() - t0);
  };
  events.onmessage = (ev) => {
    batch.push(JSON.parse(ev.data as string));
    lastEventId = ev.lastEventId;
    if (frame === undefined) frame = requestAnimationFrame(drain);
    if (timer === undefined) timer = setTimeout(drain, MAX_BATCH_DELAY_MS);
  };
  events.onerror = () => {
    root.dataset.connection = events.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
  };
  events.onopen = () => {
    root.dataset.connection = 'open';
  };
  return () => {
    events.close();
    if (frame !== undefined) cancelAnimationFrame(frame);
    if (timer !== undefined) clearTimeout(timer);
  };
}
