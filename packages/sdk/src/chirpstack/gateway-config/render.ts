import { PORTS } from '@fieldops/contracts/ports/v1';
import { getRegionPlan, type RegionPlan } from '@fieldops/contracts/regions/v1';
import { requirePeer } from '../../internal/peers.js';
import { ChirpStackError } from '../errors.js';
import { buildRadioLayout, type Concentrator } from './layout.js';
import { GATEWAY_BRIDGE_TOML, SEMTECH_UDP_SX1301, SEMTECH_UDP_SX1302 } from './templates.js';

/** The forwarder a configuration is for. */
export type ForwarderKind = 'semtech-udp' | 'gateway-bridge';

/** Options of {@link renderGatewayConfig}. */
export interface GatewayConfigOptions {
  /** AS923 plan: ChirpStack id (`as923_2`) or name (`AS923-2`). */
  region: string;
  forwarder: ForwarderKind;
  /** Concentrator of a Semtech UDP forwarder (default sx1302). */
  concentrator?: Concentrator;
  /** Gateway EUI (16 hex digits; default AA555A0000000000, the HAL's placeholder). */
  gatewayEui?: string;
  /** Where the forwarder sends (the Gateway Bridge host; default localhost). */
  serverAddress?: string;
  /** Gateway stats interval in seconds (default 30). */
  statsIntervalS?: number;
  /** The Semtech UDP port: where the forwarder sends, where the Gateway Bridge listens (default 1700). */
  udpPort?: number;
  /** SPI device of an SX1302 board (default /dev/spidev0.0). */
  comPath?: string;
  /** MQTT broker of the Gateway Bridge (default tcp://127.0.0.1:1883). */
  mqttServer?: string;
  mqttUsername?: string;
  /** The broker password, written into the file as is: treat the rendered file as a secret then. */
  mqttPassword?: string | { reveal(): string };
}

/** A rendered configuration: file name -> content, with the plan it was built for. */
export interface RenderedGatewayConfig {
  plan: RegionPlan;
  forwarder: ForwarderKind;
  concentrator?: Concentrator;
  files: Record<string, string>;
}

/** File name of the Semtech UDP forwarder's configuration. */
export const SEMTECH_UDP_FILE = 'global_conf.json';
/** File name of the Gateway Bridge configuration. */
export const GATEWAY_BRIDGE_FILE = 'chirpstack-gateway-bridge.toml';

type Template = (context: object) => string;
let compiled: { sx1302: Template; sx1301: Template; bridge: Template } | undefined;

/**
 * The templates, compiled on first use. handlebars is an optional peer: the ChirpStack entry checks
 * all of its peers when it loads (proto.ts), and the automation entry (which renders gateway
 * configurations through this module too) checks handlebars when it loads.
 */
function templates(): { sx1302: Template; sx1301: Template; bridge: Template } {
  if (compiled) return compiled;
  const hbs = requirePeer<typeof import('handlebars')>(
    'the gateway configuration renderer of @fieldops/sdk',
    ['handlebars'],
    'handlebars',
  ).create();
  hbs.registerHelper('json', (value: unknown) => new hbs.SafeString(JSON.stringify(value)));
  compiled = {
    sx1302: hbs.compile(SEMTECH_UDP_SX1302, { noEscape: true, strict: true }),
    sx1301: hbs.compile(SEMTECH_UDP_SX1301, { noEscape: true, strict: true }),
    bridge: hbs.compile(GATEWAY_BRIDGE_TOML, { noEscape: true, strict: true }),
  };
  return compiled;
}

/** The plan of a region id or name; throws a ChirpStackError naming the accepted values. */
export function requireRegionPlan(region: string): RegionPlan {
  const plan = getRegionPlan(region);
  if (!plan)
    throw new ChirpStackError(
      'invalid_argument',
      `chirpstack: unknown region ${JSON.stringify(region)}: expected as923, as923_2, as923_3 or as923_4 (or AS923-1..4)`,
    );
  return plan;
}

/** Renders a packet forwarder `global_conf.json` or a Gateway Bridge TOML for an AS923 plan. */
export function renderGatewayConfig(options: GatewayConfigOptions): RenderedGatewayConfig {
  const plan = requireRegionPlan(options.region);
  const port = options.udpPort ?? PORTS.chirpstack_gateway_bridge.port;
  if (options.forwarder === 'gateway-bridge') {
    const prefix = plan.mqtt_topic_prefix;
    const password = options.mqttPassword;
    const text = templates().bridge({
      plan,
      udpBind: `0.0.0.0:${port}`,
      eventTopic: `${prefix}/gateway/{{ .GatewayID }}/event/{{ .EventType }}`,
      stateTopic: `${prefix}/gateway/{{ .GatewayID }}/state/{{ .StateType }}`,
      commandTopic: `${prefix}/gateway/{{ .GatewayID }}/command/#`,
      mqttServer: options.mqttServer ?? 'tcp://127.0.0.1:1883',
      mqttUsername: options.mqttUsername ?? '',
      mqttPassword: password === undefined ? '' : typeof password === 'string' ? password : password.reveal(),
      clientId: '',
    });
    return { plan, forwarder: 'gateway-bridge', files: { [GATEWAY_BRIDGE_FILE]: text } };
  }
  if (options.forwarder !== 'semtech-udp')
    throw new ChirpStackError(
      'invalid_argument',
      `chirpstack: unknown forwarder ${JSON.stringify(options.forwarder)}`,
    );
  const concentrator = options.concentrator ?? 'sx1302';
  const eui = (options.gatewayEui ?? 'AA555A0000000000').replace(/[:-]/g, '').toUpperCase();
  if (!/^[0-9A-F]{16}$/.test(eui))
    throw new ChirpStackError(
      'invalid_argument',
      `chirpstack: gateway EUI must be 16 hex digits, got ${options.gatewayEui}`,
    );
  const layout = buildRadioLayout(plan);
  const text = templates()[concentrator]({
    plan,
    ...layout,
    txMin: plan.band_hz.min,
    txMax: plan.band_hz.max,
    comPath: options.comPath ?? '/dev/spidev0.0',
    gatewayId: eui,
    serverAddress: options.serverAddress ?? 'localhost',
    port,
    statInterval: options.statsIntervalS ?? 30,
  });
  return { plan, forwarder: 'semtech-udp', concentrator, files: { [SEMTECH_UDP_FILE]: text } };
}
