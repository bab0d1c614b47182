import type * as automation from '@fieldops/contracts/automation/v1';
import { renderGatewayConfig, SEMTECH_UDP_FILE } from '../../../chirpstack/gateway-config/render.js';

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

/** The one gateway configuration renderer (`@fieldops/sdk/chirpstack`'s templates) for an action's input. */
function renderFull(input: ForwarderConfigInput): Record<string, string> {
  return renderGatewayConfig({
    region: input.gateway.region,
    forwarder: input.forwarder,
    ...(input.gateway.concentrator ? { concentrator: input.gateway.concentrator } : {}),
    gatewayEui: input.gateway.gateway_eui,
    serverAddress: input.server_address,
    udpPort: input.server_port,
    statsIntervalS: input.stats_interval_s,
    // The Gateway Bridge publishes to the broker next to the ChirpStack server.
    mqttServer: `tcp://${input.server_address}:1883`,
  }).files;
}

/**
 * The per-gateway part of the configuration, cut from the full one (same renderer): for the Semtech
 * UDP forwarder a `local_conf.json` holding only `gateway_conf` (the forwarder merges it over its
 * region's `global_conf.json`); for the ChirpStack Gateway Bridge its whole TOML.
 */
export function createLocalForwarderConfigRenderer(): ForwarderConfigRenderer {
  return {
    async render(input): Promise<Record<string, string>> {
      const files = renderFull(input);
      if (input.forwarder !== 'semtech-udp') return files;
      // The SX1301 template carries /* comments */ (the forwarder's parser allows them; JSON does not).
      const text = (files[SEMTECH_UDP_FILE] ?? '').replace(/\/\*[\s\S]*?\*\//g, '');
      const { gateway_conf } = JSON.parse(text) as { gateway_conf: Record<string, unknown> };
      return { 'local_conf.json': `${JSON.stringify({ gateway_conf }, null, 2)}\n` };
    },
  };
}

/**
 * The full configuration from `@fieldops/sdk/chirpstack`'s templates: the region's `global_conf.json`
 * for SX1301/SX1302 (the server port written into `gateway_conf`), or the Gateway Bridge TOML.
 */
export function createChirpStackForwarderConfigRenderer(): ForwarderConfigRenderer {
  return {
    async render(input): Promise<Record<string, string>> {
      return renderFull(input);
    },
  };
}
