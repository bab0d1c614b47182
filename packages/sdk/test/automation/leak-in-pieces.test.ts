import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActionHandler, runSpec } from '../../src/automation/index.js';
import { createRegistryClient } from '../../src/registry/index.js';
import { createEnvProvider, createSecretResolver, Secret } from '../../src/secrets/index.js';
import { createRegistryMswKit } from '../../src/testing/index.js';
import { buildSpec, CANARY, captureLogger, proxmoxMock, readTree } from './helpers.js';

// Issue 11 item 8: a secret must not reach run.json, the postmortem, the ticket or the logs in
// pieces (two writes), cut in half by a truncation, or encoded.
const REGISTRY = 'https://registry.test';
const REGISTRY_TOKEN = 'registry-token-for-the-leak-test';
const registryKit = createRegistryMswKit({ baseUrl: REGISTRY, backend: { apiTokens: [REGISTRY_TOKEN] } });
const pve = proxmoxMock({ tokenId: 'automation@pve!fieldops', tokenSecret: CANARY });
const server = setupServer(
  // Proxmox echoing a long text with the token after 275 characters: a client that cuts to 300
  // characters before redacting leaks the token's first 10 characters.
  http.get('https://pve.test:8006/api2/json/nodes/pve1/qemu/400/config', () =>
    HttpResponse.json(
      { data: null, message: `${'x'.repeat(275)} ${CANARY} trailing\n` },
      { status: 500, statusText: 'Internal Server Error' },
    ),
  ),
  ...pve.handlers,
  ...registryKit.handlers,
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const bytes = Buffer.from(CANARY);
const FORMS = {
  plain: CANARY,
  'first half': CANARY.slice(0, 13),
  'second half': CANARY.slice(13),
  base64: bytes.toString('base64').replace(/=+$/, ''),
  base64url: bytes.toString('base64url'),
  hex: bytes.toString('hex'),
  HEX: bytes.toString('hex').toUpperCase(),
  url: encodeURIComponent(`${CANARY}/?`),
};

// A step that prints the secret as a careless script would: split across two writes of its output,
// and encoded in its log lines.
const printing: ActionHandler<'run_health_checks'> = {
  async run(_a, ctx) {
    const token = (await ctx.secrets.resolve('env:PVE_TOKEN')).reveal();
    ctx.log.output('stdout', `connecting with token ${token.slice(0, 13)}`);
    ctx.log.output('stdout', `${token.slice(13)} ok\nnext line\n`);
    ctx.log.output('stderr', `auth: Basic ${Buffer.from(`admin:${token}`).toString('base64')}\n`);
    ctx.log.info(
      `hex ${Buffer.from(token).toString('hex')} b64url ${Buffer.from(token).toString('base64url')}`,
    );
    ctx.log.warn(`url ${encodeURIComponent(`${token}/?`)} base64 ${Buffer.from(token).toString('base64')}`);
    return { message: 'printed' };
  },
};

describe('a secret leaked in pieces is caught everywhere', () => {
  it('is absent, whole, halved or encoded, from run.json, postmortem, ticket and logs', async () => {
    const kbRoot = await mkdtemp(join(tmpdir(), 'fieldops-leak-'));
    const { lines, logger } = captureLogger();
    const spec = buildSpec([
      {
        id: 'print',
        kind: 'run_health_checks',
        checks: [{ name: 'x', type: 'tcp', host: '127.0.0.1', port: 1 }],
      },
      {
        id: 'vm',
        kind: 'provision_vm',
        proxmox: {
          api_url: 'https://pve.test:8006',
          node: 'pve1',
          token_id: 'automation@pve!fieldops',
          token_secret_ref: 'env:PVE_TOKEN',
        },
        template_vmid: 9000,
        vmid: 400,
        vm_name: 'bkk-01-edge',
        cores: 2,
        memory_mb: 2048,
      },
      { id: 'ticket', kind: 'open_ticket_on_failure', severity: 'high' },
    ]);
    const result = await runSpec(spec, {
      secrets: createSecretResolver({ providers: [createEnvProvider({ env: { PVE_TOKEN: CANARY } })] }),
      handlers: { run_health_checks: printing },
      registry: createRegistryClient({ baseUrl: REGISTRY, token: new Secret(REGISTRY_TOKEN), retry: false }),
      kb: { root: kbRoot },
      logger,
      sleep: async () => {},
    });
    expect(result.record.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(result.record.steps[1]?.error?.message).toContain('[redacted] trailing');

    const files = await readTree(result.bundleDir!);
    expect([...files.keys()].sort()).toEqual(
      expect.arrayContaining(['run.json', 'postmortem.md', 'logs/print.ndjson', 'logs/vm.ndjson']),
    );
    const printed = files.get('logs/print.ndjson')!;
    expect(printed).toContain('connecting with token [redacted] ok');
    expect(printed).toContain('next line');
    const places: [string, string][] = [
      ...files.entries(),
      ['ticket', JSON.stringify(registryKit.backend.tickets())],
      ['run record written back', JSON.stringify(registryKit.backend.runs())],
      ['logger', lines.join('\n')],
    ];
    for (const [place, text] of places) {
      for (const [form, value] of Object.entries(FORMS)) {
        expect(text.includes(value), `${form} of the secret in ${place}`).toBe(false);
      }
    }
  });
});
