import { PORTS } from '@fieldops/contracts/ports/v1';
import type { RegionPlan } from '@fieldops/contracts/regions/v1';
import { CHIRPSTACK_PEERS, requirePeer } from '../../internal/peers.js';
import { GATEWAY_BRIDGE_FILE, type RenderedGatewayConfig, SEMTECH_UDP_FILE } from './render.js';

const { parse: parseToml } = requirePeer<typeof import('smol-toml')>(
  '@fieldops/sdk/chirpstack',
  CHIRPSTACK_PEERS,
  'smol-toml',
);

/** One problem a check found, with the file and the JSON/TOML path. */
export interface GatewayConfigProblem {
  file: string;
  path: string;
  message: string;
}

/**
 * Half the bandwidth an SX130x radio front end passes around its centre frequency: the HAL
 * rejects a channel whose `|if| + bandwidth/2` exceeds it. SX1257 (SX1301) ~925 kHz wide, SX1250
 * (SX1302) ~1 MHz: for 125 kHz channels that is |if| up to 400 or 437.5 kHz.
 */
export const RADIO_HALF_BANDWIDTH_HZ = { sx1301: 462_500, sx1302: 500_000 } as const;

type Json = Record<string, unknown>;

function stripComments(text: string): string {
  // The legacy forwarder accepts C comments; only strip those outside strings.
  return text.replace(
    /("(?:\\.|[^"\\])*")|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g,
    (_m, str: string | undefined) => str ?? '',
  );
}

function checkSemtech(text: string, plan: RegionPlan, file: string): GatewayConfigProblem[] {
  const problems: GatewayConfigProblem[] = [];
  const p = (path: string, message: string) => problems.push({ file, path, message });
  let doc: Json;
  try {
    doc = JSON.parse(stripComments(text)) as Json;
  } catch (error) {
    p('(root)', `not valid JSON: ${(error as Error).message}`);
    return problems;
  }
  const key = 'SX130x_conf' in doc ? 'SX130x_conf' : 'SX1301_conf' in doc ? 'SX1301_conf' : undefined;
  if (!key) {
    p('(root)', 'expected SX130x_conf (SX1302) or SX1301_conf');
    return problems;
  }
  const conf = doc[key] as Json;
  const half = key === 'SX130x_conf' ? RADIO_HALF_BANDWIDTH_HZ.sx1302 : RADIO_HALF_BANDWIDTH_HZ.sx1301;
  const radios = [0, 1].map((i) => conf[`radio_${i}`] as Json | undefined);
  const enabled: number[] = [];
  const channel = (name: string, bandwidth: number) => {
    const c = conf[name] as Json | undefined;
    if (c?.enable !== true) return;
    const radio = radios[Number(c.radio)];
    if (radio?.enable !== true || typeof radio.freq !== 'number') {
      p(`${key}.${name}.radio`, `radio ${String(c.radio)} is missing or disabled`);
      return;
    }
    const ifHz = Number(c.if);
    const freq = radio.freq + ifHz;
    if (Math.abs(ifHz) + bandwidth / 2 > half)
      p(
        `${key}.${name}.if`,
        `${freq / 1e6} MHz is outside radio_${String(c.radio)}'s reach (centre ${radio.freq / 1e6} MHz, ±${(half - bandwidth / 2) / 1e3} kHz)`,
      );
    if (freq - bandwidth / 2 < plan.band_hz.min || freq + bandwidth / 2 > plan.band_hz.max)
      p(
        `${key}.${name}`,
        `${freq / 1e6} MHz (${bandwidth / 1e3} kHz) leaves the ${plan.name} band ${plan.band_hz.min / 1e6}–${plan.band_hz.max / 1e6} MHz`,
      );
    if (name.startsWith('chan_multiSF_')) enabled.push(freq);
  };
  for (let i = 0; i < 8; i++) channel(`chan_multiSF_${i}`, 125_000);
  channel('chan_Lora_std', Number((conf.chan_Lora_std as Json | undefined)?.bandwidth ?? 250_000));
  channel('chan_FSK', Number((conf.chan_FSK as Json | undefined)?.bandwidth ?? 125_000));
  for (const f of plan.default_channels_hz)
    if (!enabled.includes(f)) p(`${key}`, `default channel ${f / 1e6} MHz of ${plan.name} is not enabled`);
  const gw = doc.gateway_conf as Json | undefined;
  const port = PORTS.chirpstack_gateway_bridge.port;
  if (!gw) p('gateway_conf', 'missing');
  else {
    if (gw.serv_port_up !== port)
      p('gateway_conf.serv_port_up', `expected ${port}, got ${String(gw.serv_port_up)}`);
    if (gw.serv_port_down !== port)
      p('gateway_conf.serv_port_down', `expected ${port}, got ${String(gw.serv_port_down)}`);
    if (typeof gw.gateway_ID !== 'string' || !/^[0-9A-Fa-f]{16}$/.test(gw.gateway_ID))
      p('gateway_conf.gateway_ID', 'expected 16 hex digits');
  }
  return problems;
}

function checkBridge(text: string, plan: RegionPlan, file: string): GatewayConfigProblem[] {
  const problems: GatewayConfigProblem[] = [];
  const p = (path: string, message: string) => problems.push({ file, path, message });
  let doc: Json;
  try {
    doc = parseToml(text) as Json;
  } catch (error) {
    p('(root)', `not valid TOML: ${(error as Error).message.split('\n')[0]}`);
    return problems;
  }
  const backend = doc.backend as Json | undefined;
  if (backend?.type !== 'semtech_udp') p('backend.type', 'expected semtech_udp');
  const bind = String((backend?.semtech_udp as Json | undefined)?.udp_bind ?? '');
  const port = PORTS.chirpstack_gateway_bridge.port;
  if (!bind.endsWith(`:${port}`))
    p('backend.semtech_udp.udp_bind', `expected port ${port}, got ${bind || 'nothing'}`);
  const mqtt = (doc.integration as Json | undefined)?.mqtt as Json | undefined;
  for (const k of ['event_topic_template', 'state_topic_template', 'command_topic_template']) {
    const v = mqtt?.[k];
    if (typeof v !== 'string' || !v.startsWith(`${plan.mqtt_topic_prefix}/gateway/`))
      p(`integration.mqtt.${k}`, `expected the ${plan.mqtt_topic_prefix}/gateway/ prefix of ${plan.name}`);
  }
  return problems;
}

/** Checks rendered files: valid JSON/TOML, channels in the band and reachable, defaults present, port 1700, topic prefix. */
export function checkGatewayConfig(
  config: Pick<RenderedGatewayConfig, 'plan' | 'files'>,
): GatewayConfigProblem[] {
  const problems: GatewayConfigProblem[] = [];
  for (const [file, text] of Object.entries(config.files)) {
    if (file.endsWith('.json') || file === SEMTECH_UDP_FILE)
      problems.push(...checkSemtech(text, config.plan, file));
    else if (file.endsWith('.toml') || file === GATEWAY_BRIDGE_FILE)
      problems.push(...checkBridge(text, config.plan, file));
  }
  return problems;
}
