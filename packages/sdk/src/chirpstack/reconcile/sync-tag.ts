import { createHash } from 'node:crypto';

// ChirpStack's device List returns name, description, profile and tags, but not the join EUI,
// variables, flags or keys. Planning 10,000 devices must not cost 10,000 Gets, so the reconciler
// writes what it cannot list into one tag, `fieldops_sync`, and compares against that. Keys are
// represented by a fingerprint (a truncated SHA-256 over the DevEUI and the key values): it tells
// "changed" from "unchanged" and reveals nothing usable about 128-bit keys.

/** The tag holding the fields a List does not return. */
export const SYNC_TAG = 'fieldops_sync';
/**
 * The ownership tag fieldops writes on the applications, device profiles and gateways it creates or
 * adopts (value `true`); devices carry {@link SYNC_TAG}. Prune deletes only what carries one of them.
 */
export const OWNER_TAG = 'fieldops_managed';
/** The tag holding the registry device id. */
export const DEVICE_ID_TAG = 'fieldops_device_id';

/** The listed-invisible fields as the sync tag records them. */
export interface SyncState {
  join_eui: string;
  is_disabled: boolean;
  skip_fcnt_check: boolean;
  /** 8 hex digits of SHA-256 over the sorted variables; '' when there are none. */
  variables: string;
  /** 16 hex digits of the keys fingerprint; '' when no keys were written. */
  keys: string;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** Fingerprint of a variables record. */
export function variablesHash(variables: Record<string, string> | undefined): string {
  const entries = Object.entries(variables ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '' : sha(JSON.stringify(entries)).slice(0, 8);
}

/** Fingerprint of a device's root keys (values, not refs: a rotated secret is a change). */
export function keysFingerprint(
  devEui: string,
  keys: { nwk_key: string; app_key?: string; gen_app_key?: string },
): string {
  return sha(
    `fieldops-keys-v1\0${devEui}\0${keys.nwk_key}\0${keys.app_key ?? ''}\0${keys.gen_app_key ?? ''}`,
  ).slice(0, 16);
}

/** `v1;j=…;d=0;s=0;v=…;k=…` */
export function encodeSyncTag(s: SyncState): string {
  return `v1;j=${s.join_eui};d=${s.is_disabled ? 1 : 0};s=${s.skip_fcnt_check ? 1 : 0};v=${s.variables};k=${s.keys}`;
}

/** Parses a sync tag; undefined when absent or not ours (the device was not written by fieldops). */
export function decodeSyncTag(value: string | undefined): SyncState | undefined {
  if (!value?.startsWith('v1;')) return undefined;
  const fields = Object.fromEntries(
    value
      .slice(3)
      .split(';')
      .map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  ) as Record<string, string>;
  return {
    join_eui: fields.j ?? '',
    is_disabled: fields.d === '1',
    skip_fcnt_check: fields.s === '1',
    variables: fields.v ?? '',
    keys: fields.k ?? '',
  };
}
