import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createOnePasswordConnectProvider,
  createSecretResolver,
  createVaultProvider,
} from '../../src/secrets/index.js';
import { type OpMockItem, onePasswordConnectMock, vaultKvV2Mock } from './provider-mocks.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const OP = 'http://op.test:8080';
const OP_TOKEN = 'op-connect-token-for-provider-tests';
const item = (id: string, title: string, token: string): OpMockItem => ({
  id,
  title,
  fields: [{ id: 'credential', type: 'CONCEALED', label: 'token', value: token }],
});
const opResolver = () =>
  createSecretResolver({ providers: [createOnePasswordConnectProvider({ url: OP, token: OP_TOKEN })] });

describe('1Password Connect as its API reference documents it', () => {
  // Connect API reference, "List vaults": filter "Vaults can only be filtered by name. For example:
  // name eq "Demo Vault""; Vault object: { id, name, description, … } (spec.yaml components.schemas.Vault).
  it('finds the vault by name, so an item of the same title in another vault is never read', async () => {
    const op = onePasswordConnectMock({
      origin: OP,
      token: OP_TOKEN,
      vaults: [
        // Listed first: a provider that takes "the first vault the token can see" reads this one.
        {
          id: 'aaaaaaaaaaaaaaaaaaaaaaaaa1',
          name: 'staging',
          items: [item('iiiiiiiiiiiiiiiiiiiiiiiii1', 'proxmox-bkk-01', 'staging-token')],
        },
        {
          id: 'bbbbbbbbbbbbbbbbbbbbbbbbb2',
          name: 'ops',
          items: [item('iiiiiiiiiiiiiiiiiiiiiiiii2', 'proxmox-bkk-01', 'ops-token')],
        },
      ],
    });
    server.use(...op.handlers);
    expect((await opResolver().resolve('op://ops/proxmox-bkk-01/token')).reveal()).toBe('ops-token');
    expect(op.calls).toEqual([
      'GET /v1/vaults?filter=name eq "ops"',
      'GET /v1/vaults/bbbbbbbbbbbbbbbbbbbbbbbbb2/items?filter=title eq "proxmox-bkk-01"',
      'GET /v1/vaults/bbbbbbbbbbbbbbbbbbbbbbbbb2/items/iiiiiiiiiiiiiiiiiiiiiiiii2',
    ]);
  });

  it('says not found for a vault name that does not exist, without reading any vault', async () => {
    const op = onePasswordConnectMock({
      origin: OP,
      token: OP_TOKEN,
      vaults: [
        {
          id: 'aaaaaaaaaaaaaaaaaaaaaaaaa1',
          name: 'staging',
          items: [item('iiiiiiiiiiiiiiiiiiiiiiiii1', 'proxmox-bkk-01', 'staging-token')],
        },
      ],
    });
    server.use(...op.handlers);
    await expect(opResolver().resolve('op://ops/proxmox-bkk-01/token')).rejects.toMatchObject({
      code: 'secret_not_found',
    });
    expect(op.calls).toEqual(['GET /v1/vaults?filter=name eq "ops"']);
  });

  // Connect API reference, "List items": "Items can only be filtered by title or tag"; titles are not
  // unique in a vault, so a title that matches several items names no one secret.
  it('refuses an item title shared by several items instead of taking the first', async () => {
    const op = onePasswordConnectMock({
      origin: OP,
      token: OP_TOKEN,
      vaults: [
        {
          id: 'bbbbbbbbbbbbbbbbbbbbbbbbb2',
          name: 'ops',
          items: [
            item('iiiiiiiiiiiiiiiiiiiiiiiii1', 'proxmox-bkk-01', 'old-token'),
            item('iiiiiiiiiiiiiiiiiiiiiiiii2', 'proxmox-bkk-01', 'new-token'),
          ],
        },
      ],
    });
    server.use(...op.handlers);
    const error = await opResolver()
      .resolve('op://ops/proxmox-bkk-01/token')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'secret_provider_failed',
      message:
        '@fieldops/core/secrets: 1password connect has 2 items titled "proxmox-bkk-01" for op://ops/proxmox-bkk-01/token: use the item id',
    });
    expect(String(error)).not.toContain('token"');
    // The item id still picks one of them.
    expect((await opResolver().resolve('op://ops/iiiiiiiiiiiiiiiiiiiiiiiii2/token')).reveal()).toBe(
      'new-token',
    );
  });

  it('refuses a vault name shared by several vaults, and accepts a vault id', async () => {
    const op = onePasswordConnectMock({
      origin: OP,
      token: OP_TOKEN,
      vaults: [
        {
          id: 'aaaaaaaaaaaaaaaaaaaaaaaaa1',
          name: 'ops',
          items: [item('iiiiiiiiiiiiiiiiiiiiiiiii1', 'proxmox-bkk-01', 'one')],
        },
        {
          id: 'bbbbbbbbbbbbbbbbbbbbbbbbb2',
          name: 'ops',
          items: [item('iiiiiiiiiiiiiiiiiiiiiiiii2', 'proxmox-bkk-01', 'two')],
        },
      ],
    });
    server.use(...op.handlers);
    await expect(opResolver().resolve('op://ops/proxmox-bkk-01/token')).rejects.toMatchObject({
      code: 'secret_provider_failed',
      message: expect.stringContaining('has 2 vaults named "ops"'),
    });
    expect(
      (await opResolver().resolve('op://bbbbbbbbbbbbbbbbbbbbbbbbb2/proxmox-bkk-01/token')).reveal(),
    ).toBe('two');
  });

  it('escapes quotes in the SCIM filter', async () => {
    const op = onePasswordConnectMock({
      origin: OP,
      token: OP_TOKEN,
      vaults: [
        {
          id: 'bbbbbbbbbbbbbbbbbbbbbbbbb2',
          name: 'ops "east"',
          items: [item('iiiiiiiiiiiiiiiiiiiiiiiii2', 'pve', 'quoted-vault-token')],
        },
      ],
    });
    server.use(...op.handlers);
    const provider = createOnePasswordConnectProvider({ url: OP, token: OP_TOKEN });
    expect(
      await provider.resolve({ scheme: 'op', vault: 'ops "east"', item: 'pve', field: 'token' }, {}),
    ).toBe('quoted-vault-token');
    expect(op.calls[0]).toBe('GET /v1/vaults?filter=name eq "ops \\"east\\""');
  });
});

describe('Vault KV v2 as its API documents it', () => {
  const VAULT = 'https://vault.test:8200';
  const TOKEN = 'hvs.provider-test-token';
  // Vault API docs, KV v2, "Read secret version": GET /:secret-mount-path/data/:path. The secret's own
  // path may contain a segment called `data`: the API path is still mount + "data" + that path.
  it('inserts data/ after the mount when the secret path itself contains a data segment', async () => {
    const kv = vaultKvV2Mock({
      origin: VAULT,
      token: TOKEN,
      mount: 'kv',
      secrets: { 'site-bkk-01/data/postgres': { password: 'pg-in-a-data-folder' } },
    });
    server.use(...kv.handlers);
    const resolver = createSecretResolver({
      providers: [createVaultProvider({ address: VAULT, token: TOKEN })],
    });
    expect((await resolver.resolve('vault:kv/site-bkk-01/data/postgres#password')).reveal()).toBe(
      'pg-in-a-data-folder',
    );
    // Written with its data/ segment, the same secret is found at the same URL.
    expect((await resolver.resolve('vault:kv/data/site-bkk-01/data/postgres#password')).reveal()).toBe(
      'pg-in-a-data-folder',
    );
    expect(kv.calls).toEqual(['/v1/kv/data/site-bkk-01/data/postgres']);
  });

  it('puts data/ after a mount of several segments when the mount is configured', async () => {
    const kv = vaultKvV2Mock({
      origin: VAULT,
      token: TOKEN,
      mount: 'teams/ops/kv',
      secrets: { 'bkk/chirpstack': { api_token: 'multi-segment-mount-value' } },
    });
    server.use(...kv.handlers);
    const provider = createVaultProvider({ address: VAULT, token: TOKEN, mounts: ['teams/ops/kv'] });
    expect(
      await provider.resolve({ scheme: 'vault', path: 'teams/ops/kv/bkk/chirpstack', key: 'api_token' }, {}),
    ).toBe('multi-segment-mount-value');
    expect(kv.calls).toEqual(['/v1/teams/ops/kv/data/bkk/chirpstack']);
  });
});
