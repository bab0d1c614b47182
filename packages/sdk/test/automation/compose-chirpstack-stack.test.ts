import { execFileSync } from 'node:child_process';
import { missingServer, startMosquitto } from '@fieldops/bus/testing';
import type * as automation from '@fieldops/contracts/automation/v1';
import { AS923_PLANS } from '@fieldops/contracts/regions/v1';
import { connectAsync } from 'mqtt';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderComposeProject } from '../../src/automation/index.js';

type Action = automation.ActionOf<'deploy_compose_stack'>;
const site: Action = {
  id: 'deploy-chirpstack',
  kind: 'deploy_compose_stack',
  stack: 'chirpstack',
  project_name: 'chirpstack',
  version: '4.19.0',
  region: 'as923_2',
  regions: ['as923_2', 'as923'],
  lan_address: '10.20.0.5',
  secrets: {
    POSTGRES_PASSWORD: 'env:PG',
    MQTT_PASSWORD: 'env:MQTT',
    CHIRPSTACK_API_SECRET: 'env:API',
  },
};
const render = (a: Partial<Action> = {}) =>
  renderComposeProject({ ...site, ...a }, { deploymentId: 'dep_test1' });

type Doc = any;

/** Mosquitto 2 configuration: one `option value…` per line, options from mosquitto.conf(5). */
function parseMosquittoConf(text: string): [string, string][] {
  const known = new Set([
    'listener',
    'protocol',
    'allow_anonymous',
    'password_file',
    'persistence',
    'persistence_location',
    'log_dest',
  ]);
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [key, ...rest] = l.trim().split(/\s+/);
      if (!known.has(key!)) throw new Error(`unknown mosquitto option ${key}`);
      return [key!, rest.join(' ')];
    });
}

describe('deploy_compose_stack renders a ChirpStack v4 stack that starts', () => {
  it('renders every file the containers read, in chirpstack-docker layout', () => {
    expect(Object.keys(render().files).sort()).toEqual([
      'compose.yaml',
      'configuration/chirpstack-gateway-bridge/chirpstack-gateway-bridge.toml',
      'configuration/chirpstack/chirpstack.toml',
      'configuration/chirpstack/region_as923.toml',
      'configuration/chirpstack/region_as923_2.toml',
      'configuration/fieldops-agent/mqtt.yaml',
      'configuration/mosquitto/config/mosquitto.conf',
      'configuration/postgresql/initdb/001-chirpstack_extensions.sh',
    ]);
  });

  it('parses every file and the cross-references hold', () => {
    const { files } = render();
    const compose: Doc = parseYaml(files['compose.yaml']!);
    const chirpstack: Doc = parseToml(files['configuration/chirpstack/chirpstack.toml']!);
    const bridge: Doc = parseToml(
      files['configuration/chirpstack-gateway-bridge/chirpstack-gateway-bridge.toml']!,
    );
    const agent: Doc = parseYaml(files['configuration/fieldops-agent/mqtt.yaml']!);
    const mosquitto = parseMosquittoConf(files['configuration/mosquitto/config/mosquitto.conf']!);
    execFileSync('sh', ['-n', '-c', files['configuration/postgresql/initdb/001-chirpstack_extensions.sh']!]);

    // Every enabled region has its file, whose [[regions]] id and topic prefix are that region's.
    expect(chirpstack.network.enabled_regions).toEqual(['as923_2', 'as923']);
    for (const id of chirpstack.network.enabled_regions as ('as923' | 'as923_2')[]) {
      const file: Doc = parseToml(files[`configuration/chirpstack/region_${id}.toml`]!);
      const [region] = file.regions;
      expect(region.id).toBe(id);
      expect(region.gateway.backend.enabled).toBe('mqtt');
      const plan = AS923_PLANS[id];
      expect(region.gateway.backend.mqtt.topic_prefix).toBe(plan.mqtt_topic_prefix);
      // The agent subscribes to every region's gateway topics.
      expect(agent.mqtt.gateway_topic_prefixes).toContain(region.gateway.backend.mqtt.topic_prefix);
      expect(region.gateway.channels.map((c: Doc) => c.frequency)).toEqual(plan.gateway_channels_hz);
      expect(region.network.rx2_frequency).toBe(plan.rx2.frequency_hz);
      expect(region.network.rx2_dr).toBe(plan.rx2.dr);
      expect(region.network.extra_channels.map((c: Doc) => c.frequency)).toEqual(
        plan.gateway_channels_hz.slice(2),
      );
    }
    expect(agent.mqtt.gateway_topic_prefixes).toEqual(['as923_2', 'as923']);
    // The Semtech UDP bridge publishes under the first region's prefix, where ChirpStack listens.
    for (const key of ['event_topic_template', 'state_topic_template', 'command_topic_template']) {
      expect(bridge.integration.mqtt[key].split('/')[0]).toBe('as923_2');
    }
    expect(bridge.integration.mqtt.state_topic_template).toBe(
      'as923_2/gateway/{{ .GatewayID }}/state/{{ .StateType }}',
    );
    expect(bridge.backend.semtech_udp.udp_bind).toBe('0.0.0.0:1700');

    // One MQTT user and encoding everywhere; the broker refuses anonymous clients.
    expect(new Map(mosquitto)).toEqual(
      new Map([
        ['listener', '1883'],
        ['protocol', 'mqtt'],
        ['allow_anonymous', 'false'],
        ['password_file', '/mosquitto/data/passwd'],
        ['persistence', 'true'],
        ['persistence_location', '/mosquitto/data/'],
        ['log_dest', 'stdout'],
      ]),
    );
    expect(bridge.integration.mqtt.auth.generic.username).toBe(chirpstack.integration.mqtt.username);
    expect(agent.mqtt.username).toBe(chirpstack.integration.mqtt.username);
    expect(agent.mqtt.json).toBe(chirpstack.integration.mqtt.json);
    expect(compose.services.mosquitto.command.join(' ')).toContain(
      `mosquitto_passwd -b -c /mosquitto/data/passwd ${agent.mqtt.username} "$$MQTT_PASSWORD"`,
    );
    expect(compose.services.mosquitto.volumes).toContain('mosquittodata:/mosquitto/data');

    // Each directory of rendered configuration is mounted where its container reads it.
    const mounts = Object.values(compose.services).flatMap((s: Doc) => (s.volumes ?? []) as string[]);
    expect(mounts).toEqual(
      expect.arrayContaining([
        './configuration/chirpstack:/etc/chirpstack:ro',
        './configuration/chirpstack-gateway-bridge:/etc/chirpstack-gateway-bridge:ro',
        './configuration/mosquitto/config:/mosquitto/config:ro',
        './configuration/postgresql/initdb:/docker-entrypoint-initdb.d:ro',
      ]),
    );
    expect(compose.services.chirpstack.command).toBe('-c /etc/chirpstack');
    // Secrets are references in every file.
    expect(chirpstack.api.secret).toBe('$CHIRPSTACK_API_SECRET');
    expect(chirpstack.integration.mqtt.password).toBe('$MQTT_PASSWORD');
    expect(
      compose.services['chirpstack-gateway-bridge'].environment.INTEGRATION__MQTT__AUTH__GENERIC__PASSWORD,
    ).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a compose reference, on purpose
      '${MQTT_PASSWORD:?MQTT_PASSWORD is required}',
    );
  });

  it('parses as ChirpStack does: every .toml of /etc/chirpstack concatenated, in any order', () => {
    const { files } = render();
    const tomls = Object.entries(files)
      .filter(([p]) => p.startsWith('configuration/chirpstack/') && p.endsWith('.toml'))
      .map(([, text]) => text);
    // chirpstack/src/config.rs (v4.19.0) `load`: read_dir order, push_str of each file, then toml::from_str.
    for (const order of [tomls, [...tomls].reverse()]) {
      const merged: Doc = parseToml(order.join(''));
      expect(merged.regions.map((r: Doc) => r.id).sort()).toEqual(['as923', 'as923_2']);
      expect(merged.network.enabled_regions).toEqual(['as923_2', 'as923']);
      expect(merged.integration.mqtt.json).toBe(true);
    }
  });

  it('publishes ports on the site LAN address only, through checkPorts', () => {
    const compose: Doc = render().compose;
    expect(compose.services.chirpstack.ports).toEqual(['10.20.0.5:8080:8080']);
    expect(compose.services['chirpstack-gateway-bridge'].ports).toEqual(['10.20.0.5:1700:1700/udp']);
    expect(compose.services.mosquitto.ports).toEqual(['10.20.0.5:1883:1883']);
    expect(compose.services.postgres.ports).toBeUndefined();
    expect(compose.services.redis.ports).toBeUndefined();
    const v6: Doc = render({ lan_address: 'fd00::5' }).compose;
    expect(v6.services.mosquitto.ports).toEqual(['[fd00::5]:1883:1883']);

    expect(() => render({ lan_address: undefined })).toThrow(
      "step deploy-chirpstack: the chirpstack stack publishes 1700/udp, 8080/tcp, 1883/tcp, which belong on the site LAN: set `lan_address` (the site's LAN address) or `publish_on_all_interfaces: true`",
    );
    expect(() => render({ lan_address: '203.0.113.7' })).toThrow(
      'chirpstack_gateway_bridge: must stay on the site LAN, but 203.0.113.7:1700 is reachable from the internet',
    );
    const all: Doc = render({ lan_address: undefined, publish_on_all_interfaces: true }).compose;
    expect(all.services['chirpstack-gateway-bridge'].ports).toEqual(['0.0.0.0:1700:1700/udp']);
  });

  it.skipIf(missingServer('mosquitto') !== undefined)(
    'the real mosquitto loads the rendered mosquitto.conf and refuses anonymous clients',
    async () => {
      const rendered = render().files['configuration/mosquitto/config/mosquitto.conf']!;
      // Only what differs inside the container changes: the port (a random one on 127.0.0.1, added by
      // startMosquitto) and the data directory; the password file is made by the real mosquitto_passwd.
      expect(rendered).toMatch(/^listener 1883$/m);
      const conf = rendered.replace(/^listener 1883$/m, '');
      const broker = await startMosquitto({ conf, users: { chirpstack: 'pw-for-test' } });
      try {
        const client = await connectAsync(broker.url, {
          username: 'chirpstack',
          password: 'pw-for-test',
          reconnectPeriod: 0,
        });
        await client.publishAsync('as923_2/gateway/0102030405060708/state/conn', 'x', { qos: 1 });
        await client.endAsync();
        await expect(connectAsync(broker.url, { reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/);
        await expect(
          connectAsync(broker.url, { username: 'chirpstack', password: 'wrong', reconnectPeriod: 0 }),
        ).rejects.toThrow(/Not authorized/);
      } finally {
        await broker.stop();
      }
    },
  );
});
