import { HttpResponse, http } from 'msw';

/** A field of a 1Password item (Connect API spec `components.schemas.Field`: `required: [id, type]`). */
export interface OpMockField {
  id: string;
  type: 'STRING' | 'EMAIL' | 'CONCEALED' | 'URL' | 'OTP' | 'DATE' | 'MONTH_YEAR' | 'MENU' | 'SSHKEY';
  label?: string;
  value?: string;
  section?: { id: string };
}

/** An item the 1Password Connect mock holds. */
export interface OpMockItem {
  id: string;
  title: string;
  sections?: { id: string; label?: string }[];
  fields: OpMockField[];
}

/** A vault the 1Password Connect mock holds. */
export interface OpMockVault {
  id: string;
  name: string;
  items: OpMockItem[];
}

// Connect API spec 1.7.1 (github.com/1Password/connect docs/openapi/spec.yaml; also
// https://developer.1password.com/docs/connect/api-reference "List vaults", "List items"):
//   Vault: { id: pattern '^[\da-z]{26}$', name, description, attributeVersion, contentVersion, items,
//            type, createdAt, updatedAt }                        -- no `title`
//   GET /vaults  filter: "Filter the Vault collection based on Vault name using SCIM eq filter",
//                example `name eq "Some Vault Name"`; "Vaults can only be filtered by name."
//   GET /vaults/{vaultUuid}/items  filter: "Items can only be filtered by title or tag",
//                example `title eq "Some Item Name"`; 404 "vault {vaultUuid} not found"
//   Item: required [vault, category]; { id, title, vault: { id }, category, … }
//   ErrorResponse: { status: integer, message: string }; 401 example "Invalid token signature"
const OP_ID = /^[\da-z]{26}$/;

function opError(status: number, message: string) {
  return HttpResponse.json({ status, message }, { status });
}

/** The value of `<attribute> eq "<value>"`, or undefined when the filter is not that. */
function parseEqFilter(filter: string, attribute: string): string | undefined {
  const m = new RegExp(`^${attribute} eq "((?:[^"\\\\]|\\\\.)*)"$`).exec(filter);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : undefined;
}

/**
 * MSW handlers answering as 1Password Connect documents, and stricter where the documentation is
 * silent: a filter other than the documented one is refused with 400, ids must match the documented
 * pattern, and vault objects carry `name` (never `title`).
 */
export function onePasswordConnectMock(o: { origin: string; token: string; vaults: OpMockVault[] }) {
  const calls: string[] = [];
  const authorized = (request: Request) => request.headers.get('authorization') === `Bearer ${o.token}`;
  const vaultObject = (v: OpMockVault) => ({
    id: v.id,
    name: v.name,
    description: '',
    attributeVersion: 1,
    contentVersion: v.items.length,
    items: v.items.length,
    type: 'USER_CREATED',
    createdAt: '2026-01-05T10:00:00Z',
    updatedAt: '2026-01-05T10:00:00Z',
  });
  const itemSummary = (v: OpMockVault, i: OpMockItem) => ({
    id: i.id,
    title: i.title,
    vault: { id: v.id },
    category: 'API_CREDENTIAL',
    version: 1,
    createdAt: '2026-01-05T10:00:00Z',
    updatedAt: '2026-01-05T10:00:00Z',
  });
  const handlers = [
    http.all(`${o.origin}/v1/*`, ({ request }) => {
      const url = new URL(request.url);
      calls.push(`${request.method} ${url.pathname}${url.search ? decodeURIComponent(url.search) : ''}`);
      if (!authorized(request)) return opError(401, 'Invalid token signature');
      return undefined;
    }),
    http.get(`${o.origin}/v1/vaults`, ({ request }) => {
      const filter = new URL(request.url).searchParams.get('filter');
      if (filter === null) return HttpResponse.json(o.vaults.map(vaultObject));
      const name = parseEqFilter(filter, 'name');
      if (name === undefined) return opError(400, `Invalid filter: ${filter}`);
      return HttpResponse.json(o.vaults.filter((v) => v.name === name).map(vaultObject));
    }),
    http.get(`${o.origin}/v1/vaults/:vault`, ({ params }) => {
      const id = String(params.vault);
      if (!OP_ID.test(id)) return opError(400, `Invalid vault UUID: ${id}`);
      const vault = o.vaults.find((v) => v.id === id);
      return vault ? HttpResponse.json(vaultObject(vault)) : opError(404, `vault ${id} not found`);
    }),
    http.get(`${o.origin}/v1/vaults/:vault/items`, ({ request, params }) => {
      const id = String(params.vault);
      if (!OP_ID.test(id)) return opError(400, `Invalid vault UUID: ${id}`);
      const vault = o.vaults.find((v) => v.id === id);
      if (!vault) return opError(404, `vault ${id} not found`);
      const filter = new URL(request.url).searchParams.get('filter');
      const title = filter === null ? undefined : parseEqFilter(filter, 'title');
      if (filter !== null && title === undefined) return opError(400, `Invalid filter: ${filter}`);
      const items = title === undefined ? vault.items : vault.items.filter((i) => i.title === title);
      return HttpResponse.json(items.map((i) => itemSummary(vault, i)));
    }),
    http.get(`${o.origin}/v1/vaults/:vault/items/:item`, ({ params }) => {
      const vaultId = String(params.vault);
      const itemId = String(params.item);
      if (!OP_ID.test(vaultId) || !OP_ID.test(itemId)) return opError(400, 'Invalid UUID');
      const vault = o.vaults.find((v) => v.id === vaultId);
      if (!vault) return opError(404, `vault ${vaultId} not found`);
      const item = vault.items.find((i) => i.id === itemId);
      if (!item) return opError(404, `item ${itemId} not found`);
      return HttpResponse.json({
        ...itemSummary(vault, item),
        sections: item.sections ?? [],
        fields: item.fields,
      });
    }),
  ];
  return { handlers, calls };
}

// Vault API docs, https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2 "Read secret version":
//   GET /:secret-mount-path/data/:path
//   Sample response: { "data": { "data": { "foo": "bar" }, "metadata": { "created_time": "…",
//   "custom_metadata": null, "deletion_time": "", "destroyed": false, "version": 2 } } }
// A path that does not exist answers 404 with { "errors": [] } (Vault API docs, "HTTP status codes").
/** MSW handlers for one KV v2 mount holding `secrets` (logical path -> key/value data). */
export function vaultKvV2Mock(o: {
  origin: string;
  token: string;
  mount: string;
  secrets: Record<string, Record<string, string>>;
}) {
  const calls: string[] = [];
  const prefix = `${o.origin}/v1/${o.mount}/`;
  const handlers = [
    http.get(`${prefix}*`, ({ request }) => {
      const pathname = new URL(request.url).pathname;
      calls.push(pathname);
      if (request.headers.get('x-vault-token') !== o.token) {
        return HttpResponse.json({ errors: ['permission denied'] }, { status: 403 });
      }
      const rest = decodeURIComponent(pathname.slice(`/v1/${o.mount}/`.length));
      if (!rest.startsWith('data/')) return HttpResponse.json({ errors: [] }, { status: 404 });
      const data = o.secrets[rest.slice('data/'.length)];
      if (!data) return HttpResponse.json({ errors: [] }, { status: 404 });
      return HttpResponse.json({
        request_id: '5e0c5b2a-2c5f-4f0b-9a8e-0a4b8f3c2d11',
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: {
          data,
          metadata: {
            created_time: '2026-01-05T10:00:00.000000Z',
            custom_metadata: null,
            deletion_time: '',
            destroyed: false,
            version: 1,
          },
        },
        wrap_info: null,
        warnings: null,
        auth: null,
      });
    }),
  ];
  return { handlers, calls };
}
