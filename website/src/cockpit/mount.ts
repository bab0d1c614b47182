// Renders the cockpit's A2UI stream with @a2ui/lit (decision 0028): every SSE event is one A2UI
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
}

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
  events.onmessage = (ev) => {
    processor.processMessages([JSON.parse(ev.data as string)]);
    root.dataset.lastEventId = ev.lastEventId;
  };
  events.onerror = () => {
    root.dataset.connection = events.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
  };
  events.onopen = () => {
    root.dataset.connection = 'open';
  };
  return () => events.close();
}
