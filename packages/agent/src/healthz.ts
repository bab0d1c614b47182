import { createServer, type Server } from 'node:http';
import type { Agent } from './agent.js';

/** Serves `GET /healthz` (200 when healthy, 503 when not, the details as JSON) on `host:port`. */
export async function serveHealthz(
  agent: Pick<Agent, 'health'>,
  listen: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const [host, port] = [
    listen.slice(0, listen.lastIndexOf(':')),
    Number(listen.slice(listen.lastIndexOf(':') + 1)),
  ];
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/healthz') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    const h = agent.health();
    res
      .writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      .end(JSON.stringify(h));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${bound}/healthz`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
