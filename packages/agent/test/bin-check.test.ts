// `fieldops-agent --check`: the real bin validating site.yaml files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAgent } from './agent-process.js';

const dir = mkdtempSync(join(tmpdir(), 'fieldops-agent-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const VALID = `site_id: site_01jd8y3k2m0000000000000001
mqtt:
  url: mqtt://10.42.1.10:1883
  username: chirpstack
  password: env:AGENT_TEST_MQTT_PASSWORD
chirpstack: { target: 10.42.1.10:8080, api_token: env:AGENT_TEST_CS_TOKEN, tenant_id: t1 }
central: { nats: nats://central.example.com:4222 }
`;

describe('fieldops-agent --check', () => {
  it('accepts a valid site.yaml whose secrets resolve', async () => {
    const r = await runAgent(['--check', '--config', file('ok.yaml', VALID)], {
      AGENT_TEST_MQTT_PASSWORD: 'p-1',
      AGENT_TEST_CS_TOKEN: 'tok-1',
    });
    expect(r.output).toContain(
      'ok.yaml: valid fieldops-agent config v1 (site site_01jd8y3k2m0000000000000001;',
    );
    expect(r.code).toBe(0);
  });

  it('names the contract, its version and each failing field path', async () => {
    const bad = file(
      'bad.yaml',
      VALID.replace('url: mqtt://10.42.1.10:1883', 'url: http://10.42.1.10:1883').replace(
        'tenant_id: t1',
        'tenant_id: t1, poll_interval_s: -5',
      ),
    );
    const r = await runAgent(['--check', '--config', bad]);
    expect(r.code).toBe(1);
    expect(r.output).toContain(`${bad} is not a valid fieldops-agent config v1:`);
    expect(r.output).toContain('  mqtt.url: expected an mqtt:// or mqtts:// URL');
    expect(r.output).toContain('  chirpstack.poll_interval_s: ');
  });

  it('points at the line of a YAML error', async () => {
    const r = await runAgent(['--check', '--config', file('broken.yaml', 'site_id: x\nmqtt: {url: [\n')]);
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/broken\.yaml is not valid YAML:\n {2}line \d+, column \d+: /);
  });

  it('names an unresolved secret by field and reference, and a secret pasted in place of a ref is not echoed', async () => {
    const r = await runAgent(['--check', '--config', file('secret.yaml', VALID)], {
      AGENT_TEST_CS_TOKEN: 'tok-1',
    });
    expect(r.code).toBe(1);
    expect(r.output).toContain('  mqtt.password: env:AGENT_TEST_MQTT_PASSWORD does not resolve');
    const pasted = file(
      'pasted.yaml',
      VALID.replace('env:AGENT_TEST_MQTT_PASSWORD', 'hunter2-plain-password'),
    );
    const p = await runAgent(['--check', '--config', pasted]);
    expect(p.code).toBe(1);
    expect(p.output).toContain('mqtt.password');
    expect(p.output).not.toContain('hunter2-plain-password');
  });

  it('refuses an unknown option with its usage', async () => {
    const r = await runAgent(['--confg', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.output).toContain('usage: fieldops-agent --config site.yaml [--check]');
  });
});
