// A HashiCorp Vault KV v2 stand-in: `GET /v1/<mount>/data/<path>` with `X-Vault-Token`, answering
// `{ data: { data, metadata } }` as Vault does. The skill reaches it through the SDK's Vault provider.
import { type LoopbackServer, sendJson, serveLoopback } from './http.js';

/** Starts the stand-in with `secrets` (path → key → value) and the one token it accepts. */
export async function startVault(
  token: string,
  secrets: Record<string, Record<string, string>>,
): Promise<LoopbackServer & { reads(): number }> {
  let reads = 0;
  const server = await serveLoopback((req, res) => {
    if (req.headers['x-vault-token'] !== token) return sendJson(res, 403, { errors: ['permission denied'] });
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/v1\//, '');
    const data = secrets[path];
    if (req.method !== 'GET' || !data) return sendJson(res, 404, { errors: [] });
    reads += 1;
    return sendJson(res, 200, { data: { data, metadata: { version: 1 } } });
  });
  return { ...server, reads: () => reads };
}
