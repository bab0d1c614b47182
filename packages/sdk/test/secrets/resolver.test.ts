import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createEnvFileProvider,
  createEnvProvider,
  createFileProvider,
  createOnePasswordConnectProvider,
  createSecretResolver,
  createSecretResolverFromEnv,
  createVaultProvider,
  parseDotenv,
  Secret,
  SecretError,
} from '../../src/secrets/index.js';
import { onePasswordConnectMock } from './provider-mocks.js';

const CANARY = 'canary-4b1e-vault-value';
const VAULT_TOKEN = 'hvs.canary-token-9d2a';
const OP_TOKEN = 'op-connect-canary-token';

const vaultCalls: string[] = [];
const server = setupServer(
  http.get('https://vault.test:8200/v1/kv/data/site-bkk-01/chirpstack', ({ request }) => {
    vaultCalls.push(request.url);
    if (request.headers.get('x-vault-token') !== VAULT_TOKEN) {
      return HttpResponse.json({ errors: ['permission denied'] }, { status: 403 });
    }
    return HttpResponse.json({
      request_id: 'r1',
      data: { data: { api_token: CANARY, postgres_password: 'pg-secret-value' }, metadata: { version: 3 } },
    });
  }),
  http.get('https://vault.test:8200/v1/kv/data/missing', () =>
    HttpResponse.json({ errors: [] }, { status: 404 }),
  ),
  http.get('https://vault.test:8200/v1/kv/data/broken', () =>
    HttpResponse.json({ errors: ['boom'] }, { status: 500 }),
  ),
  ...onePasswordConnectMock({
    origin: 'http://op.test:8080',
    token: OP_TOKEN,
    vaults: [
      {
        id: 'vlt1aaaaaaaaaaaaaaaaaaaaaa',
        name: 'ops',
        items: [
          {
            id: 'itm1aaaaaaaaaaaaaaaaaaaaaa',
            title: 'proxmox-bkk-01',
            sections: [{ id: 's1', label: 'api' }],
            fields: [
              { id: 'username', type: 'STRING', label: 'username', value: 'automation@pve' },
              { id: 'f2', type: 'CONCEALED', label: 'token', value: 'op-token-value-1' },
              {
                id: 'f3',
                type: 'CONCEALED',
                label: 'token',
                value: 'op-token-in-section',
                section: { id: 's1' },
              },
            ],
          },
        ],
      },
    ],
  }).handlers,
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('parseDotenv', () => {
  it('reads the dotenv syntax', () => {
    const env = parseDotenv(
      [
        '# comment',
        'PLAIN=value',
        'export EXPORTED=yes',
        'SPACED = padded value   # trailing comment',
        "SINGLE='literal \\n # not a comment'",
        'DOUBLE="line1\\nline2 \\"q\\""',
        'MULTI="a',
        'b"',
        'EMPTY=',
        'URL=postgres://u:p@h/db?x=1#frag',
        'PLAIN=overridden',
      ].join('\r\n'),
    );
    expect(Object.fromEntries(env)).toEqual({
      PLAIN: 'overridden',
      EXPORTED: 'yes',
      SPACED: 'padded value',
      SINGLE: 'literal \\n # not a comment',
      DOUBLE: 'line1\nline2 "q"',
      MULTI: 'a\nb',
      EMPTY: '',
      URL: 'postgres://u:p@h/db?x=1#frag',
    });
  });
});

describe('createSecretResolver', () => {
  it('resolves env refs, falls through to an env file, and teaches the redactor', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fieldops-secrets-'));
    const envFile = join(dir, 'site.env');
    await writeFile(envFile, 'FROM_FILE="file-secret-value"\nBOTH=from-file\n');
    const resolver = createSecretResolver({
      providers: [
        createEnvProvider({ env: { FROM_ENV: 'env-secret-value', BOTH: 'from-env' } }),
        createEnvFileProvider({ path: envFile }),
      ],
    });
    expect((await resolver.resolve('env:FROM_ENV')).reveal()).toBe('env-secret-value');
    expect((await resolver.resolve('env:FROM_FILE')).reveal()).toBe('file-secret-value');
    expect((await resolver.resolve('env:BOTH')).reveal()).toBe('from-env');
    expect(resolver.redactor.redactString('x file-secret-value y')).toBe('x [redacted] y');
    await expect(resolver.resolve('env:NOPE')).rejects.toMatchObject({
      code: 'secret_not_found',
      message: expect.stringContaining(`env:NOPE not found (asked env, env-file:${envFile})`),
    });
  });

  it('reads file refs relative to a base directory, without the trailing newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fieldops-secrets-'));
    await writeFile(join(dir, 'pw'), 'file-secret\n');
    const resolver = createSecretResolver({ providers: [createFileProvider({ baseDir: dir })] });
    expect((await resolver.resolve('file:pw')).reveal()).toBe('file-secret');
    expect((await resolver.resolve(`file:${join(dir, 'pw')}`)).reveal()).toBe('file-secret');
    await expect(resolver.resolve('file:absent')).rejects.toMatchObject({ code: 'secret_not_found' });
  });

  it('reads Vault KV v2 with the token header, fetching a path once for several keys', async () => {
    vaultCalls.length = 0;
    const resolver = createSecretResolver({
      providers: [
        createVaultProvider({ address: 'https://vault.test:8200/', token: new Secret(VAULT_TOKEN) }),
      ],
    });
    const [a, b] = await Promise.all([
      resolver.resolve('vault:kv/data/site-bkk-01/chirpstack#api_token'),
      resolver.resolve('vault:kv/data/site-bkk-01/chirpstack#postgres_password'),
    ]);
    expect(a.reveal()).toBe(CANARY);
    expect(b.reveal()).toBe('pg-secret-value');
    expect(vaultCalls).toHaveLength(1);
    // A path without the data/ segment gets it.
    expect(
      await createVaultProvider({ address: 'https://vault.test:8200', token: VAULT_TOKEN }).resolve(
        { scheme: 'vault', path: 'kv/site-bkk-01/chirpstack', key: 'api_token' },
        {},
      ),
    ).toBe(CANARY);
    await expect(resolver.resolve('vault:kv/data/site-bkk-01/chirpstack#absent')).rejects.toMatchObject({
      code: 'secret_not_found',
    });
    await expect(resolver.resolve('vault:kv/data/missing#x')).rejects.toMatchObject({
      code: 'secret_not_found',
    });
  });

  it('maps Vault errors to SecretError without the token or the body', async () => {
    const bad = createSecretResolver({
      providers: [createVaultProvider({ address: 'https://vault.test:8200', token: 'wrong-token-canary' })],
    });
    const error = await bad
      .resolve('vault:kv/data/site-bkk-01/chirpstack#api_token')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretError);
    expect(error).toMatchObject({ code: 'secret_provider_failed', status: 403 });
    expect((error as Error).message).toBe(
      '@fieldops/core/secrets: vault answered 403 for vault:kv/data/site-bkk-01/chirpstack#api_token',
    );
    const resolver = createSecretResolver({
      providers: [createVaultProvider({ address: 'https://vault.test:8200', token: VAULT_TOKEN })],
    });
    const e500 = await resolver.resolve('vault:kv/data/broken#k').catch((e: unknown) => e);
    expect(e500).toMatchObject({ code: 'secret_provider_failed', status: 500 });
    expect(JSON.stringify(e500) + String(e500)).not.toContain(VAULT_TOKEN);
  });

  it('reads 1Password Connect items by vault and item title, with an optional section', async () => {
    const resolver = createSecretResolver({
      providers: [
        createOnePasswordConnectProvider({
          url: 'http://op.test:8080',
          token: async () => new Secret(OP_TOKEN),
        }),
      ],
    });
    expect((await resolver.resolve('op://ops/proxmox-bkk-01/token')).reveal()).toBe('op-token-value-1');
    expect((await resolver.resolve('op://ops/proxmox-bkk-01/api/token')).reveal()).toBe(
      'op-token-in-section',
    );
    await expect(resolver.resolve('op://ops/proxmox-bkk-01/absent')).rejects.toMatchObject({
      code: 'secret_not_found',
    });
    const unauthorized = createSecretResolver({
      providers: [createOnePasswordConnectProvider({ url: 'http://op.test:8080', token: 'nope' })],
    });
    await expect(unauthorized.resolve('op://ops/proxmox-bkk-01/token')).rejects.toMatchObject({
      code: 'secret_provider_failed',
      status: 401,
    });
  });

  it('refuses a non-reference without repeating it, and says when no provider serves a scheme', async () => {
    const resolver = createSecretResolver();
    const error = await resolver.resolve(CANARY).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'secret_ref_invalid' });
    expect((error as Error).message).not.toContain(CANARY);
    await expect(resolver.resolve('vault:kv/data/x#y')).rejects.toMatchObject({
      code: 'secret_provider_unavailable',
    });
  });
});

describe('createSecretResolverFromEnv', () => {
  it('wires env, env files, file, Vault and 1Password Connect from the standard variables', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fieldops-secrets-'));
    await writeFile(join(dir, 'site.env'), 'ONLY_IN_FILE=from-the-file\n');
    const resolver = createSecretResolverFromEnv({
      env: {
        PLAIN: 'from-env',
        VAULT_ADDR: 'https://vault.test:8200',
        VAULT_TOKEN,
        OP_CONNECT_HOST: 'http://op.test:8080',
        OP_CONNECT_TOKEN: OP_TOKEN,
      },
      envFiles: [join(dir, 'site.env')],
    });
    expect((await resolver.resolve('env:PLAIN')).reveal()).toBe('from-env');
    expect((await resolver.resolve('env:ONLY_IN_FILE')).reveal()).toBe('from-the-file');
    expect((await resolver.resolve('vault:kv/data/site-bkk-01/chirpstack#api_token')).reveal()).toBe(CANARY);
    expect((await resolver.resolve('op://ops/proxmox-bkk-01/token')).reveal()).toBe('op-token-value-1');
    // The provider tokens themselves are redacted too.
    expect(resolver.redactor.redactString(`${VAULT_TOKEN} ${OP_TOKEN}`)).toBe('[redacted] [redacted]');
  });

  it('has no Vault provider without VAULT_ADDR', async () => {
    const resolver = createSecretResolverFromEnv({ env: { VAULT_TOKEN } });
    await expect(resolver.resolve('vault:kv/data/x#y')).rejects.toMatchObject({
      code: 'secret_provider_unavailable',
    });
  });
});

describe('provider edge cases', () => {
  it('a missing env file fails unless required: false; file refs may keep their newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fieldops-secrets-'));
    const missing = join(dir, 'absent.env');
    await expect(
      createSecretResolver({ providers: [createEnvFileProvider({ path: missing })] }).resolve('env:X'),
    ).rejects.toMatchObject({
      code: 'secret_provider_unavailable',
      message: `@fieldops/core/secrets: cannot read env file ${missing}`,
    });
    await expect(
      createSecretResolver({
        providers: [createEnvFileProvider({ path: missing, required: false })],
      }).resolve('env:X'),
    ).rejects.toMatchObject({ code: 'secret_not_found' });
    await writeFile(join(dir, 'pem'), 'line1\nline2\n');
    const keep = createSecretResolver({
      providers: [createFileProvider({ baseDir: dir, keepTrailingNewline: true })],
    });
    expect((await keep.resolve('file:pem')).reveal()).toBe('line1\nline2\n');
  });

  it('sends the Vault namespace header when configured', async () => {
    let namespace: string | null = null;
    server.use(
      http.get('https://vault.test:8200/v1/ns/data/x', ({ request }) => {
        namespace = request.headers.get('x-vault-namespace');
        return HttpResponse.json({ data: { data: { k: 'namespaced-value' } } });
      }),
    );
    const resolver = createSecretResolver({
      providers: [
        createVaultProvider({
          address: 'https://vault.test:8200',
          token: VAULT_TOKEN,
          namespace: 'ops/site',
        }),
      ],
    });
    expect((await resolver.resolve('vault:ns/data/x#k')).reveal()).toBe('namespaced-value');
    expect(namespace).toBe('ops/site');
  });
});
