import { randomUUID } from 'node:crypto';
import { denied } from './errors.js';

// API keys of the fake and the checks of ChirpStack's request validator
// (chirpstack/src/api/auth/validator.rs at v4.19.0). A check that fails answers UNAUTHENTICATED
// with an empty message (validator.rs:61-67), also when the entity does not exist or belongs to
// another tenant: only an admin key reaches the storage layer's NOT_FOUND.

/** An API key the fake accepts: admin, or scoped to one tenant. */
export interface FakeApiKey {
  readonly id: string;
  readonly token: string;
  readonly is_admin: boolean;
  readonly tenant_id: string | null;
  readonly is_read_only: boolean;
}

/** What a call may do: read, or write (create, update, delete). */
export type Access = 'read' | 'write';

/** Makes an API key record. */
export function createApiKey(options: { token?: string; tenantId?: string; readOnly?: boolean }): FakeApiKey {
  return {
    id: randomUUID(),
    token: options.token ?? `fake-key-${randomUUID()}`,
    is_admin: options.tenantId === undefined,
    tenant_id: options.tenantId ?? null,
    is_read_only: options.readOnly === true,
  };
}

/** ValidateIsAdmin (validator.rs:114-117): `validate_key` is always 0; GetVersion refuses every API key. */
export function requireUser(_key: FakeApiKey): never {
  throw denied();
}

/** ValidateTenantsAccess (validator.rs:430-448): Create and List need an admin key (Create: not read-only). */
export function checkTenants(key: FakeApiKey, access: Access): void {
  if (!key.is_admin || (access === 'write' && key.is_read_only)) throw denied();
}

/**
 * ValidateTenantAccess (validator.rs:499-529): Read by an admin key or a key of that tenant;
 * Update and Delete by an admin key only (not read-only).
 */
export function checkTenant(key: FakeApiKey, access: Access, tenantId: string): void {
  if (access === 'write') {
    if (!key.is_admin || key.is_read_only) throw denied();
    return;
  }
  if (!key.is_admin && key.tenant_id !== tenantId) throw denied();
}

/**
 * The shape shared by the entity validators (ValidateApplicationAccess, ValidateDeviceAccess
 * validator.rs:1614-1655, ValidateGatewayAccess validator.rs:1925-1966, ValidateDevicesAccess
 * validator.rs:1491-1535, ValidateGatewaysAccess validator.rs:1817-1848): an admin key, or a key
 * whose tenant owns the entity (`owner` undefined: the entity does not exist, so nothing matches);
 * writes need a key that is not read-only.
 */
export function checkOwned(key: FakeApiKey, access: Access, owner: string | null | undefined): void {
  if (access === 'write' && key.is_read_only) throw denied();
  if (key.is_admin) return;
  if (owner === undefined || owner === null || owner !== key.tenant_id) throw denied();
}

/**
 * ValidateDeviceProfileAccess (validator.rs:1365-1411): Read also allows global profiles (tenant
 * null) to tenant keys; Update and Delete only the key's own tenant's profiles.
 */
export function checkProfile(key: FakeApiKey, access: Access, owner: string | null | undefined): void {
  if (access === 'read' && !key.is_admin && owner === null) return;
  checkOwned(key, access, owner);
}
