import { type ServedHandler, serveFetchHandler } from '@fieldops/sdk/registry';
import { createFleetApiHandler, type FleetApiOptions } from './api.js';

/** Options of {@link serveFleetApi}: the handler's, and where to listen. */
export interface ServeFleetApiOptions extends FleetApiOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port; read it from the answer's `url`). */
  port?: number;
}

/** Serves the central fleet view (fleet.v1) over node:http; `close()` stops it. */
export async function serveFleetApi(options: ServeFleetApiOptions): Promise<ServedHandler> {
  return serveFetchHandler(createFleetApiHandler(options), {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  });
}
