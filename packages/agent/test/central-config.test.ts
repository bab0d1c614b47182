// site.yaml's `central` section: NATS credentials (central.nats_auth) and the HTTP relay (central.http)
// are validated with field paths, and their secrets resolve through SecretRefs without being echoed.
import { createEnvProvider, createSecretResolver } from '@fieldops/sdk/secrets';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/load-config.js';
import { resolveAgentSecrets } from '../src/site/resolve-secrets.js';

const base = { site_id: 'site_01jd8y3k2m0000000000000001', mqtt: { url: 'mqtt://127.0.0.1:1883' } };
const load = (central: unknown) => loadConfig({ ...base, central });
const failure = (central: unknown) => {
  try {
    load(central);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('site.yaml central section', () => {
  it('accepts each NATS authentication mode and the HTTP relay', () => {
    for (const nats_auth of [
      { user: 'site-bkk-01', password: 'env:NATS_PASSWORD' },
      { token: 'env:NATS_TOKEN' },
      { nkey_seed: 'file:/etc/fieldops/agent.nk' },
      { creds: 'file:/etc/fieldops/agent.creds' },
    ])
      expect(load({ nats: 'nats://centre:4222', nats_auth }).central.nats_auth).toEqual(nats_auth);
    expect(load({ http: { url: 'https://centre.example/bus/events', token: 'env:T' } }).central.http).toEqual(
      {
        url: 'https://centre.example/bus/events',
        token: 'env:T',
        mode: 'batched',
        max_batch: 100,
        timeout_s: 10,
      },
    );
  });

  it('names the contract and the field path of each mistake', () => {
    const head = 'site.yaml is not a valid fieldops-agent config v1:';
    expect(failure({ nats: 'nats://c:4222', nats_auth: { user: 'a', token: 'env:T' } })).toContain(
      `${head}\n  central.nats_auth: expected exactly one of user + password, token, nkey_seed or creds`,
    );
    expect(failure({ nats: 'nats://c:4222', nats_auth: { user: 'a' } })).toContain(
      '  central.nats_auth.password: user and password go together',
    );
    expect(failure({ nats_auth: { token: 'env:T' } })).toContain(
      '  central.nats_auth: nats_auth needs central.nats',
    );
    expect(failure({ nats: 'nats://c:4222', http: { url: 'https://c/e' } })).toContain(
      '  central.http: expected nats or http, not both',
    );
    expect(failure({ http: { url: 'ftp://c/e' } })).toContain('  central.http.url: ');
    expect(failure({ http: { url: 'https://c/e', max_batch: 0 } })).toContain('  central.http.max_batch: ');
    expect(failure({ nats: 'http://c:4222' })).toContain('  central.nats: expected nats://host:port');
  });

  it('refuses a secret pasted in place of a SecretRef without echoing it', () => {
    const message = failure({ nats: 'nats://c:4222', nats_auth: { token: 'tok-pasted-7a1e90c3' } });
    expect(message).toContain('  central.nats_auth.token: ');
    expect(message).not.toContain('tok-pasted-7a1e90c3');
  });

  it('resolves the credentials through SecretRefs and names an unresolved one by field and reference', async () => {
    const config = load({
      nats: 'nats://c:4222',
      nats_auth: { user: 'site-bkk-01', password: 'env:NATS_PW' },
    });
    const resolver = (env: Record<string, string>) =>
      createSecretResolver({ providers: [createEnvProvider({ env })] });
    expect((await resolveAgentSecrets(config, resolver({ NATS_PW: 'pw-0c1d' }))).natsAuth).toEqual({
      user: 'site-bkk-01',
      pass: 'pw-0c1d',
    });
    await expect(resolveAgentSecrets(config, resolver({}))).rejects.toThrow(
      /secrets of fieldops-agent config v1:\n {2}central\.nats_auth\.password: env:NATS_PW does not resolve/,
    );
    const http = load({ http: { url: 'https://c/e', token: 'env:CENTRE_TOKEN' } });
    const secrets = await resolveAgentSecrets(http, resolver({ CENTRE_TOKEN: 'ct-9f' }));
    expect(secrets.centralHttpToken?.reveal()).toBe('ct-9f');
    expect(String(secrets.centralHttpToken)).not.toContain('ct-9f');
  });
});
