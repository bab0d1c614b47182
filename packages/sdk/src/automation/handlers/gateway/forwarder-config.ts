import type * as automation from '@fieldops/contracts/automation/v1';

/** What a forwarder configuration is rendered from. */
export interface ForwarderConfigInput {
  forwarder: automation.ActionOf<'configure_gateway'>['forwarder'];
  gateway: automation.GatewayTarget;
  server_address: string;
  server_port: number;
  stats_interval_s: number;
}

/** Renders a gateway's forwarder configuration files (path -> content). */
export interface ForwarderConfigRenderer {
  render(input: ForwarderConfigInput): Promise<Record<string, string>>;
}

/**
 * The built-in renderer: the per-gateway part of the configuration. For the Semtech UDP forwarder, a
 * `local_conf.json` (`gateway_conf` with the gateway id and server, which the forwarder merges over its
 * region's `global_conf.json`); for the ChirpStack Gateway Bridge, its TOML with the region's topic
 * prefix. The full region `global_conf.json` comes from `@fieldops/sdk/chirpstack`'s templates when a
 * script passes that renderer.
 */
export function createLocalForwarderConfigRenderer(): ForwarderConfigRenderer {
  return {
    async render(input): Promise<Record<string, string>> {
      if (input.forwarder === 'semtech-udp') {
        const conf = {
          gateway_conf: {
            gateway_ID: input.gateway.gateway_eui.toUpperCase(),
            server_address: input.server_address,
            serv_port_up: input.server_port,
            serv_port_down: input.server_port,
            keepalive_interval: 10,
            stat_interval: input.stats_interval_s,
            push_timeout_ms: 100,
            forward_crc_valid: true,
            forward_crc_error: false,
            forward_crc_disabled: false,
          },
        };
        return { 'local_conf.json': `${JSON.stringify(conf, null, 2)}\n` };
      }
      const region = input.gateway.region;
      const toml = [
        '# Rendered by @fieldops/sdk - do not edit by hand.',
        '[backend]',
        '  type = "semtech_udp"',
        '',
        '[backend.semtech_udp]',
        `  udp_bind = "0.0.0.0:${input.server_port}"`,
        '',
        '[integration.mqtt]',
        `  event_topic_template = "${region}/gateway/{{ .GatewayID }}/event/{{ .EventType }}"`,
        `  state_topic_template = "${region}/gateway/{{ .GatewayID }}/state/{{ .StateType }}"`,
        `  command_topic_template = "${region}/gateway/{{ .GatewayID }}/command/#"`,
        '',
        '[integration.mqtt.auth.generic]',
        `  servers = ["tcp://${input.server_address}:1883"]`,
        '',
      ].join('\n');
      return { 'chirpstack-gateway-bridge.toml': toml };
    },
  };
}

interface GatewayConfigModule {
  renderGatewayConfig?: (options: {
    region: string;
    forwarder: 'semtech-udp' | 'gateway-bridge';
    concentrator?: 'sx1301' | 'sx1302';
    gatewayEui?: string;
    serverAddress?: string;
    statsIntervalS?: number;
  }) => { files: Record<string, string> };
}

/**
 * The full configuration from `@fieldops/sdk/chirpstack`'s templates (the region's `global_conf.json`
 * for SX1301/SX1302, or the Gateway Bridge TOML), loaded on first use. A Semtech UDP server port other
 * than 1700 is written into `gateway_conf`.
 */
export function createChirpStackForwarderConfigRenderer(): ForwarderConfigRenderer {
  return {
    async render(input): Promise<Record<string, string>> {
      const mod = (await import('../../../chirpstack/index.js')) as unknown as GatewayConfigModule;
      if (typeof mod.renderGatewayConfig !== 'function')
        return createLocalForwarderConfigRenderer().render(input);
      const { files } = mod.renderGatewayConfig({
        region: input.gateway.region,
        forwarder: input.forwarder,
        ...(input.gateway.concentrator ? { concentrator: input.gateway.concentrator } : {}),
        gatewayEui: input.gateway.gateway_eui,
        serverAddress: input.server_address,
        statsIntervalS: input.stats_interval_s,
      });
      if (input.forwarder !== 'semtech-udp' || input.server_port === 1700) return files;
      const out: Record<string, string> = {};
      for (const [path, content] of Object.entries(files)) {
        const conf = JSON.parse(content) as { gateway_conf?: Record<string, unknown> };
        if (conf.gateway_conf) {
          conf.gateway_conf.serv_port_up = input.server_port;
          conf.gateway_conf.serv_port_down = input.server_port;
        }
        out[path] = `${JSON.stringify(conf, null, 2)}\n`;
      }
      return out;
    },
  };
}
