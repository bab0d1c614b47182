// What an A2UI client does with the stream's data-model messages (A2UI v0.9 updateDataModel: the
// value replaces what is at `path`, a missing value removes the key; `/` is the whole model), kept
// per surface, so a test can compare what two streams leave a client with.
// Paths are JSON Pointers (RFC 6901 §4: `~1` is `/`, `~0` is `~`).

type Json = unknown;
const unescapeToken = (t: string) => t.replace(/~1/g, '/').replace(/~0/g, '~');

/** The data models a client holds, by surface id. */
export type ClientModels = Map<string, Json>;

/** Applies one server message (any A2UI v0.9 message object) to `models`. */
export function applyMessage(models: ClientModels, message: Record<string, unknown>): void {
  const u = message.updateDataModel as { surfaceId: string; path?: string; value?: Json } | undefined;
  if (!u) {
    const created = message.createSurface as { surfaceId: string } | undefined;
    if (created) models.set(created.surfaceId, {});
    return;
  }
  const path = u.path ?? '/';
  const has = Object.hasOwn(u, 'value');
  if (path === '/') {
    models.set(u.surfaceId, has ? structuredClone(u.value) : {});
    return;
  }
  const tokens = path.slice(1).split('/').map(unescapeToken);
  let node = models.get(u.surfaceId) as Record<string, Json>;
  for (const t of tokens.slice(0, -1)) {
    if (typeof node[t] !== 'object' || node[t] === null) node[t] = {};
    node = node[t] as Record<string, Json>;
  }
  const last = tokens.at(-1) as string;
  if (has) node[last] = structuredClone(u.value);
  else if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
}
