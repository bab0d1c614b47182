import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY = 1_048_576;

/**
 * Mounts a Fetch API handler (the WhatsApp webhook, the HTTP API) on `node:http`:
 * `createServer(toNodeListener(engine.whatsappWebhook()))`. Bodies are read as raw bytes (the
 * webhook signature is over them), capped at 1 MiB (413 beyond).
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooBig) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('body too large');
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) {
        if (Array.isArray(v)) for (const item of v) headers.append(k, item);
        else if (v !== undefined) headers.set(k, v);
      }
      const method = req.method ?? 'GET';
      const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
      const request = new Request(url, {
        method,
        headers,
        ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
      });
      handler(request).then(
        async (response) => {
          const body = Buffer.from(await response.arrayBuffer());
          res.writeHead(response.status, Object.fromEntries(response.headers.entries())).end(body);
        },
        () => {
          res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        },
      );
    });
  };
}
