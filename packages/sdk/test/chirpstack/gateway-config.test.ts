import { AS923_PLANS } from '@fieldops/contracts/regions/v1';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import {
  checkGatewayConfig,
  GATEWAY_BRIDGE_FILE,
  renderGatewayConfig,
  SEMTECH_UDP_FILE,
} from '../../src/chirpstack/index.js';

const stripComments = (t: string) => t.replace(/\/\*[\s\S]*?\*\//g, '');

describe('gateway configuration', () => {
  for (const plan of Object.values(AS923_PLANS)) {
    for (const concentrator of ['sx1302', 'sx1301'] as const) {
      it(`renders a valid Semtech UDP ${concentrator} global_conf.json for ${plan.name}`, () => {
        const config = renderGatewayConfig({
          region: plan.name,
          forwarder: 'semtech-udp',
          concentrator,
          gatewayEui: 'aa:55:5a:00:00:00:00:01',
          serverAddress: '10.0.0.2',
        });
        expect(checkGatewayConfig(config)).toEqual([]);
        const doc = JSON.parse(stripComments(config.files[SEMTECH_UDP_FILE]!));
        const conf = doc[concentrator === 'sx1302' ? 'SX130x_conf' : 'SX1301_conf'];
        const freqs = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => {
          const c = conf[`chan_multiSF_${i}`];
          return conf[`radio_${c.radio}`].freq + c.if;
        });
        expect(freqs).toEqual(plan.gateway_channels_hz);
        expect(freqs).toEqual(expect.arrayContaining(plan.default_channels_hz));
        expect(doc.gateway_conf).toMatchObject({
          gateway_ID: 'AA555A0000000001',
          server_address: '10.0.0.2',
          serv_port_up: 1700,
          serv_port_down: 1700,
        });
      });
    }
    it(`renders a Gateway Bridge TOML with the ${plan.id} topic prefix`, () => {
      const config = renderGatewayConfig({ region: plan.id, forwarder: 'gateway-bridge' });
      expect(checkGatewayConfig(config)).toEqual([]);
      const doc = parseToml(config.files[GATEWAY_BRIDGE_FILE]!) as {
        backend: { semtech_udp: { udp_bind: string } };
        integration: { mqtt: { event_topic_template: string } };
      };
      expect(doc.backend.semtech_udp.udp_bind).toBe('0.0.0.0:1700');
      expect(doc.integration.mqtt.event_topic_template).toBe(
        `${plan.id}/gateway/{{ .GatewayID }}/event/{{ .EventType }}`,
      );
    });
  }

  it('the checks catch a channel out of the band, out of radio reach, a missing default, a wrong port', () => {
    const config = renderGatewayConfig({ region: 'as923_2', forwarder: 'semtech-udp' });
    const doc = JSON.parse(config.files[SEMTECH_UDP_FILE]!);
    doc.SX130x_conf.chan_multiSF_0.if = -450_000; // 921.25 MHz: beyond radio_0's reach, and drops 921.4
    doc.SX130x_conf.radio_1.freq = 923_500_000; // pushes radio 1's channels past 923 MHz
    doc.gateway_conf.serv_port_up = 1680;
    const problems = checkGatewayConfig({
      plan: config.plan,
      files: { [SEMTECH_UDP_FILE]: JSON.stringify(doc) },
    });
    const text = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(text).toMatch(/chan_multiSF_0\.if: .*outside radio_0's reach/);
    expect(text).toMatch(/chan_multiSF_7: .*leaves the AS923-2 band/);
    expect(text).toMatch(/default channel 921\.4 MHz/);
    expect(text).toMatch(/serv_port_up: expected 1700/);
  });

  it('the checks reject invalid JSON and TOML and a wrong topic prefix', () => {
    const plan = AS923_PLANS.as923_3;
    expect(
      checkGatewayConfig({ plan, files: { [SEMTECH_UDP_FILE]: '{ "SX130x_conf": ' } })[0]?.message,
    ).toMatch(/not valid JSON/);
    expect(checkGatewayConfig({ plan, files: { [GATEWAY_BRIDGE_FILE]: '[backend\n' } })[0]?.message).toMatch(
      /not valid TOML/,
    );
    const other = renderGatewayConfig({ region: 'as923', forwarder: 'gateway-bridge' });
    const problems = checkGatewayConfig({ plan, files: other.files });
    expect(problems.map((p) => p.path)).toContain('integration.mqtt.event_topic_template');
  });

  it('rejects an unknown region with the accepted values', () => {
    expect(() => renderGatewayConfig({ region: 'eu868', forwarder: 'semtech-udp' })).toThrow(/as923_2/);
  });
});
