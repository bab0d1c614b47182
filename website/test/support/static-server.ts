import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.woff2': 'font/woff2',
};

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

/**
 * A static file server for a built site, on 127.0.0.1 and a free port, the way a static host serves
 * it (with `Range` requests, or without them when `noRange`).
 */
export async function serveStatic(
  root: string,
  { noRange = false }: { noRange?: boolean } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = path.join(root, path.normalize(pathname));
    if (!file.startsWith(root)) {
      res.writeHead(400).end();
      return;
    }
    const candidates = [file, path.join(file, 'index.html'), `${file}.html`];
    for (const candidate of candidates) {
      if (await isFile(candidate)) {
        const type = TYPES[path.extname(candidate)] ?? 'application/octet-stream';
        // `Range: bytes=a-b` as static hosts answer it (the archive view asks for one pack entry),
        // unless the test asks for a host that ignores it (`noRange`).
        const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
        if (range && !noRange) {
          const size = (await stat(candidate)).size;
          const [start, end] = [Number(range[1]), Math.min(Number(range[2]), size - 1)];
          res.writeHead(206, {
            'content-type': type,
            'content-range': `bytes ${start}-${end}/${size}`,
            'content-length': String(end - start + 1),
          });
          createReadStream(candidate, { start, end }).pipe(res);
          return;
        }
        res.writeHead(200, { 'content-type': type });
        createReadStream(candidate).pipe(res);
        return;
      }
    }
    res.writeHead(404, { 'content-type': TYPES['.html']! });
    createReadStream(path.join(root, '404.html')).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
