// A registry for the `@fieldops` scope on loopback, serving the packed tarballs, so that the real npm
// installs `@fieldops/openclaw-skill` by name (as OpenClaw's node installer asks it to) with every other
// package from the usual registry. It answers what npm asks of a registry (docs.npmjs.com, "registry
// API": GET /<name> gives the packument, its `versions[v].dist.tarball` is fetched and checked against
// `dist.integrity`) and nothing else: an unknown name is a 404, as on the npm registry.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { basename } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/** A running scope registry: its URL and how to stop it. */
export interface ScopeRegistry {
  /** `http://127.0.0.1:<port>/`, for `@fieldops:registry=` in an .npmrc. */
  url: string;
  /** Names npm asked for, in order (to show that npm resolved our packages here). */
  requested: string[];
  close(): Promise<void>;
}

interface Published {
  manifest: Record<string, unknown> & { name: string; version: string };
  file: string;
  data: Buffer;
}

/** Reads a tarball's package.json (pnpm pack has replaced the workspace ranges). */
async function manifestOf(file: string): Promise<Published['manifest']> {
  const { stdout } = await execFileP('tar', ['-xzOf', file, 'package/package.json']);
  return JSON.parse(stdout);
}

/** Starts the registry for `tarballs` on a free 127.0.0.1 port. */
export async function startScopeRegistry(tarballs: string[]): Promise<ScopeRegistry> {
  const byName = new Map<string, Published>();
  for (const file of tarballs) {
    const manifest = await manifestOf(file);
    byName.set(manifest.name, { manifest, file: basename(file), data: await readFile(file) });
  }
  const requested: string[] = [];
  let url = '';
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!).slice(1);
    const tarball = [...byName.values()].find((p) => path === `-/${p.file}`);
    if (req.method === 'GET' && tarball) {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': tarball.data.length,
      });
      res.end(tarball.data);
      return;
    }
    const published = req.method === 'GET' ? byName.get(path) : undefined;
    if (!published) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Not found' }));
      return;
    }
    requested.push(path);
    const { manifest, data, file } = published;
    const integrity = `sha512-${createHash('sha512').update(data).digest('base64')}`;
    const shasum = createHash('sha1').update(data).digest('hex');
    const body = {
      _id: manifest.name,
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${manifest.name}@${manifest.version}`,
          dist: { tarball: `${url}-/${file}`, integrity, shasum },
        },
      },
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('scope registry: no port');
  url = `http://127.0.0.1:${address.port}/`;
  return {
    url,
    requested,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}
