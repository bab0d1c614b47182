import { SecretError, type SecretProvider, type TokenSource, tokenValue } from '@fieldops/core/secrets';
import { getJson } from './http.js';

/** Options of {@link createOnePasswordConnectProvider}. */
export interface OnePasswordConnectProviderOptions {
  /** The Connect server, e.g. `http://op-connect.ops.lan:8080`. */
  url: string;
  /** A Connect access token (sent as `Authorization: Bearer …`). */
  token: TokenSource;
  fetch?: typeof fetch;
}

interface OpField {
  id?: string;
  label?: string;
  value?: string;
  section?: { id?: string };
}
interface OpItem {
  fields?: OpField[];
  sections?: { id?: string; label?: string }[];
}

// Vault and item ids in the Connect API: `pattern: '^[\da-z]{26}$'` (Connect API spec, components.schemas).
const OP_ID = /^[\da-z]{26}$/;

/** A SCIM `eq` filter on `attribute` (`name` for vaults, `title` for items), quotes escaped. */
function eqFilter(attribute: 'name' | 'title', value: string): string {
  return `?filter=${encodeURIComponent(`${attribute} eq "${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)}`;
}

/**
 * Resolves `op://<vault>/<item>[/<section>]/<field>` through 1Password Connect. The vault is looked up
 * by name (`GET /v1/vaults?filter=name eq "…"`; vault objects carry `name`), the item by title
 * (`GET /v1/vaults/{id}/items?filter=title eq "…"`); a vault or item named by its 26-character id is
 * also found. Several vaults of one name or several items of one title are an error, never "the
 * first". The field is matched by label or id, inside the section when one is given.
 */
export function createOnePasswordConnectProvider(options: OnePasswordConnectProviderOptions): SecretProvider {
  const base = options.url.replace(/\/+$/, '');
  const get = async (path: string, ref: string, signal?: AbortSignal) => {
    const headers = {
      Authorization: `Bearer ${await tokenValue(options.token)}`,
      Accept: 'application/json',
    };
    return getJson(options.fetch ?? globalThis.fetch, `${base}${path}`, headers, {
      provider: '1password connect',
      ref,
      signal,
    });
  };
  /** The one id among `list` whose `attribute` equals `wanted`; undefined when none. */
  const pickOne = (
    list: unknown,
    attribute: 'name' | 'title',
    wanted: string,
    what: 'vault' | 'item',
    ref: string,
  ): string | undefined => {
    if (!Array.isArray(list)) {
      throw new SecretError('secret_provider_failed', `1password connect answer for ${ref} is not a list`, {
        ref,
      });
    }
    // The server filters; checking again here keeps a server (or proxy) that ignores the filter from
    // handing us another vault's item.
    const matches = (list as Record<string, unknown>[]).filter((e) => e[attribute] === wanted);
    if (matches.length > 1) {
      throw new SecretError(
        'secret_provider_failed',
        `1password connect has ${matches.length} ${what}s ${attribute === 'name' ? 'named' : 'titled'} "${wanted}" for ${ref}: use the ${what} id`,
        { ref },
      );
    }
    const id = matches[0]?.id;
    return typeof id === 'string' ? id : undefined;
  };
  const findVault = async (vault: string, ref: string, signal?: AbortSignal) => {
    const { body } = await get(`/v1/vaults${eqFilter('name', vault)}`, ref, signal);
    const id = pickOne(body, 'name', vault, 'vault', ref);
    if (id !== undefined || !OP_ID.test(vault)) return id;
    const byId = await get(`/v1/vaults/${vault}`, ref, signal);
    return byId.status === 404 ? undefined : vault;
  };
  const findItem = async (vaultId: string, item: string, ref: string, signal?: AbortSignal) => {
    const { status, body } = await get(`/v1/vaults/${vaultId}/items${eqFilter('title', item)}`, ref, signal);
    if (status === 404) return undefined;
    const id = pickOne(body, 'title', item, 'item', ref);
    return id !== undefined || !OP_ID.test(item) ? id : item;
  };
  return {
    scheme: 'op',
    name: `1password-connect:${base}`,
    async resolve(ref, { signal }) {
      if (ref.scheme !== 'op') return undefined;
      const display = `op://${ref.vault}/${ref.item}/${ref.section ? `${ref.section}/` : ''}${ref.field}`;
      const vaultId = await findVault(ref.vault, display, signal);
      if (vaultId === undefined || !OP_ID.test(vaultId)) return undefined;
      const itemId = await findItem(vaultId, ref.item, display, signal);
      if (itemId === undefined || !OP_ID.test(itemId)) return undefined;
      const { status, body } = await get(`/v1/vaults/${vaultId}/items/${itemId}`, display, signal);
      if (status === 404) return undefined;
      const item = body as OpItem;
      if (!item || !Array.isArray(item.fields)) {
        throw new SecretError(
          'secret_provider_failed',
          `1password connect answer for ${display} is not an item`,
          { ref: display },
        );
      }
      return pickField(item, ref.field, ref.section);
    },
  };
}

/** The value of the field labelled (or with id) `field`, inside `section` when given. */
function pickField(item: OpItem, field: string, section: string | undefined): string | undefined {
  const sectionId = section
    ? item.sections?.find((s) => s.label === section || s.id === section)?.id
    : undefined;
  if (section && sectionId === undefined) return undefined;
  const found = item.fields?.find(
    (f) => (f.label === field || f.id === field) && (sectionId === undefined || f.section?.id === sectionId),
  );
  return found?.value === undefined || found.value === '' ? undefined : found.value;
}
