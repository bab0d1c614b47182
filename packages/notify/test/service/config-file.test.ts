// The config FILE contract of `fieldops-notify` (issue 14 item 3): validated at start against
// notify.v1.ConfigFile; unknown keys and incomplete channels fail naming contract, version and path,
// before anything is opened or sent; secrets only as SecretRefs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Config } from '@fieldops/contracts/notify/v1';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { NotifyConfig } from '../../src/config.js';
import { parseConfigFile } from '../../src/service/config-file.js';
import { spawnNotify, writeConfig } from '../support/notify-process.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/notify.yaml', import.meta.url));

// A WhatsApp Graph API stand-in that only counts requests: nothing may reach it when the file is bad.
let hits = 0;
const graph = createServer((_req, res) => {
  hits++;
  res.writeHead(500).end();
});
let graphUrl = '';
beforeAll(async () => {
  await new Promise<void>((r) => graph.listen(0, '127.0.0.1', r));
  graphUrl = `http://127.0.0.1:${(graph.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => graph.close(() => r())));

function fileConfig(overrides: Record<string, unknown> = {}) {
  return {
    version: 1,
    service: { listen: { port: 0 }, store: { kind: 'memory' } },
    route: { receiver: 'oncall', group_wait: '0s' },
    receivers: [
      { name: 'oncall', contacts: [{ name: 'a', chain: [{ channel: 'whatsapp', to: '+66811111111' }] }] },
    ],
    channels: {
      whatsapp: {
        phone_number_id: '1098765',
        token: 'env:WA_TOKEN',
        base_url: graphUrl,
        template: { name: 'fieldops_alert', language: 'en' },
      },
    },
    ...overrides,
  };
}

describe('notify.yaml against notify.v1.ConfigFile', () => {
  it('the example shipped in the package is valid: `--check` exits 0 and opens nothing', async () => {
    const p = spawnNotify(['--config', EXAMPLE, '--check']);
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toContain('valid (notify.v1.ConfigFile)');
  });

  it('an unknown key fails with the contract, its version and the path', () => {
    const text = JSON.stringify(fileConfig({ route: { receiver: 'oncall', grup_by: ['site'] } }));
    expect(() => parseConfigFile(text, '/etc/notify.yaml')).toThrow(
      /\/etc\/notify\.yaml: notify\.v1\.ConfigFile: route: Unrecognized key: "grup_by"/,
    );
    const nested = fileConfig();
    (nested.channels.whatsapp as Record<string, unknown>).tempalte = { name: 'x', language: 'en' };
    expect(() => parseConfigFile(JSON.stringify(nested), 'n.yaml')).toThrow(
      /channels\.whatsapp: Unrecognized key: "tempalte"/,
    );
  });

  it('a WhatsApp channel without its template fails at start with the path; nothing is sent', async () => {
    const config = fileConfig();
    delete (config.channels.whatsapp as Partial<typeof config.channels.whatsapp>).template;
    const path = await writeConfig(config);
    const p = spawnNotify(['--config', path], { WA_TOKEN: 'wa-token-value' });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/notify\.v1\.ConfigFile: channels\.whatsapp\.template: /);
    expect(p.lines).toEqual([]); // it never started: no "notify ready" line
    expect(hits).toBe(0);
  });

  it('a token written inline in the file is refused: secrets are SecretRefs', () => {
    const config = fileConfig();
    (config.channels.whatsapp as Record<string, unknown>).token = { value: 'EAAG-real-token' };
    let message = '';
    try {
      parseConfigFile(JSON.stringify(config), 'n.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/notify\.v1\.ConfigFile: channels\.whatsapp\.token: expected a secret reference/);
    expect(message).not.toContain('EAAG-real-token');
  });

  it('a SecretRef that does not resolve stops the start naming its field, before listening', async () => {
    const path = await writeConfig(fileConfig());
    const p = spawnNotify(['--config', path]); // WA_TOKEN not set
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/channels\.whatsapp\.token: secret env:WA_TOKEN is not set/);
    expect(p.lines.some((l) => l.msg === 'notify ready')).toBe(false);
  });

  it('rules that need the whole document (a receiver naming an unconfigured channel) fail at --check too', async () => {
    const config = fileConfig({
      receivers: [
        { name: 'oncall', contacts: [{ name: 'a', chain: [{ channel: 'email', to: 'a@b.example' }] }] },
      ],
    });
    const p = spawnNotify(['--config', await writeConfig(config), '--check']);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toContain(
      'receivers[0].contacts[0].chain[0].channel: channel email is not configured',
    );
  });

  it('YAML that does not parse names the line; a duplicate key is an error, not last-wins', () => {
    expect(() => parseConfigFile('version: 1\nversion: 1\n', 'dup.yaml')).toThrow(
      /dup\.yaml: line 2: not valid YAML \(DUPLICATE_KEY\)/,
    );
  });

  it('a nats bus without a place for its inbox (memory store, no bus.inbox) stops the start, naming the path', async () => {
    const config = fileConfig();
    (config.service as Record<string, unknown>).bus = { kind: 'nats', servers: ['nats://127.0.0.1:4222'] };
    const p = spawnNotify(['--config', await writeConfig(config)], { WA_TOKEN: 'wa-token-value' });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toContain(
      'service.bus.inbox: required with bus.kind nats when service.store.kind is memory',
    );
  });

  it('usage errors exit 2', async () => {
    const p = spawnNotify(['--conf', 'x']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain('usage: fieldops-notify --config notify.yaml');
  });
});

describe('the contract and the NotifyConfig type say the same thing', () => {
  it('every NotifyConfig is a notify.v1.Config input and the other way round (drift fails typecheck)', () => {
    expectTypeOf<NotifyConfig>().toExtend<Config>();
    expectTypeOf<Config>().toExtend<NotifyConfig>();
  });
});
