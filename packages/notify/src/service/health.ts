/** What `/readyz` checks: each must be true for the process to take traffic. */
export interface ReadinessChecks {
  config: boolean;
  store: boolean;
  bus: boolean;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

/** `GET /healthz`: the process is alive and serving (no dependency checked). */
export function healthz(): Response {
  return json(200, { status: 'ok' });
}

/** `GET /readyz`: 200 when the config is loaded, the store open and the bus connected; 503 naming what is not. */
export function readyz(checks: ReadinessChecks, stopping: boolean): Response {
  const ok = !stopping && checks.config && checks.store && checks.bus;
  return json(ok ? 200 : 503, { status: ok ? 'ready' : stopping ? 'stopping' : 'starting', checks });
}
