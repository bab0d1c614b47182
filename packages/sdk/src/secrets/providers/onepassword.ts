import { SecretError } from '../errors.js';
import { type SecretProvider, type TokenSource, tokenValue } from '../provider.js';
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

/**
 * Resolves `op://<vault>/<item>[/<section>]/<field>` through 1Password Connect: the vault and item
 * are looked up by title (`GET /v1/vaults?filter=title eq "…"`, then the vault's items), or taken as
 * ids when no title matches; the field by label or id.
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
  const filter = (title: string) =>
    `?filter=${encodeURIComponent(`title eq "${title.replace(/"/g, '\\"')}"`)}`;
  const findId = async (listPath: string, title: string, ref: string, signal?: AbortSignal) => {
    const { body } = await get(`${listPath}${filter(title)}`, ref, signal);
    const list = Array.isArray(body) ? (body as { id?: string; title?: string }[]) : [];
    return list.find((e) => e.title === title)?.id ?? list[0]?.id ?? title;
  };
  return {
    scheme: 'op',
    name: `1password-connect:${base}`,
    async resolve(ref, { signal }) {
      if (ref.scheme !== 'op') return undefined;
      const display = `op://${ref.vault}/${ref.item}/${ref.section ? `${ref.section}/` : ''}${ref.field}`;
      const vaultId = await findId('/v1/vaults', ref.vault, display, signal);
      const itemId = await findId(
        `/v1/vaults/${encodeURIComponent(vaultId)}/items`,
        ref.item,
        display,
        signal,
      );
      const { status, body } = await get(
        `/v1/vaults/${encodeURIComponent(vaultId)}/items/${encodeURIComponent(itemId)}`,
        display,
        signal,
      );
      if (status === 404) return undefined;
      const item = body as OpItem;
      if (!item || !Array.isArray(item.fields)) {
        throw new SecretError(
          'secret_provider_failed',
          `1password connect answer for ${display} is not an item`,
          {
            ref: display,
          },
        );
      }
      const sectionId = ref.section
        ? item.sections?.find((s) => s.label === ref.section || s.id === ref.section)?.id
        : undefined;
      if (ref.section && sectionId === undefined) return undefined;
      const field = item.fields.find(
        (f) =>
          (f.label === ref.field || f.id === ref.field) &&
          (sectionId === undefined || f.section?.id === sectionId),
      );
      return field?.value === undefined || field.value === '' ? undefined : field.value;
    },
  };
}
