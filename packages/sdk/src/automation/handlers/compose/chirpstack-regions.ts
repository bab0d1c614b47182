import { AS923_PLANS, type As923PlanId, type RegionPlan } from '@fieldops/contracts/regions/v1';

/** The MQTT user ChirpStack, the Gateway Bridge and fieldops-agent log in to Mosquitto with. */
export const STACK_MQTT_USER = 'chirpstack';

/** The file a region plan is rendered to, inside the project directory. */
export function regionFilePath(id: As923PlanId): string {
  return `configuration/chirpstack/region_${id}.toml`;
}

/** ChirpStack's `common_name` of a plan (`AS923`, `AS923_2`, …: lrwn's `CommonName`). */
function commonName(plan: RegionPlan): string {
  return plan.id.toUpperCase();
}

// Lines are indented as in ChirpStack's own `configuration/region_as923*.toml` (v4.19.0). ChirpStack
// concatenates every `.toml` of its directory before parsing, so the file starts with a table header
// and ends with a newline: nothing in it can fall into another file's last table.
/**
 * Renders `region_<id>.toml` for one AS923 plan: the gateway backend on MQTT with the plan's topic
 * prefix (the Gateway Bridge's topic templates use the same), the eight gateway channels, RX2 and the
 * six channels beyond the two defaults as `extra_channels` (sent to devices in the join accept CFList).
 */
export function buildRegionToml(id: As923PlanId, deploymentId: string): string {
  const plan = AS923_PLANS[id];
  const lines = [
    `# Rendered by @fieldops/sdk for deployment ${deploymentId} - do not edit by hand.`,
    `# ${plan.name}, following ChirpStack's configuration/region_${id}.toml (v4.19.0).`,
    '[[regions]]',
    `  id = ${JSON.stringify(plan.id)}`,
    `  description = ${JSON.stringify(plan.name)}`,
    `  common_name = ${JSON.stringify(commonName(plan))}`,
    '',
    '  [regions.gateway]',
    '    force_gws_private = false',
    '',
    '    [regions.gateway.backend]',
    '      enabled = "mqtt"',
    '',
    '      [regions.gateway.backend.mqtt]',
    `        topic_prefix = ${JSON.stringify(plan.mqtt_topic_prefix)}`,
    '        share_name = "chirpstack"',
    '        server = "tcp://$MQTT_BROKER_HOST:1883"',
    `        username = ${JSON.stringify(STACK_MQTT_USER)}`,
    // ChirpStack replaces $NAME with its environment before parsing: the file holds the reference.
    '        password = "$MQTT_PASSWORD"',
    '        qos = 0',
    '        clean_session = false',
    '        keep_alive_interval = "30s"',
  ];
  for (const frequency of plan.gateway_channels_hz) {
    lines.push(
      '',
      '    [[regions.gateway.channels]]',
      `      frequency = ${frequency}`,
      '      bandwidth = 125000',
      '      modulation = "LORA"',
      '      spreading_factors = [7, 8, 9, 10, 11, 12]',
    );
  }
  lines.push(
    '',
    '  [regions.network]',
    '    installation_margin = 10',
    '    rx_window = 0',
    '    rx1_delay = 1',
    '    rx1_dr_offset = 0',
    `    rx2_dr = ${plan.rx2.dr}`,
    `    rx2_frequency = ${plan.rx2.frequency_hz}`,
    '    rx2_prefer_on_rx1_dr_lt = 0',
    '    rx2_prefer_on_link_budget = false',
    '    downlink_tx_power = -1',
    '    adr_disabled = false',
    '    min_dr = 0',
    '    max_dr = 5',
  );
  for (const frequency of plan.gateway_channels_hz.filter((f) => !plan.default_channels_hz.includes(f))) {
    lines.push(
      '',
      '    [[regions.network.extra_channels]]',
      `      frequency = ${frequency}`,
      '      data_rates = [0, 1, 2, 3, 4, 5]',
    );
  }
  lines.push(
    '',
    '    [regions.network.rejoin_request]',
    '      enabled = false',
    '      max_count_n = 0',
    '      max_time_n = 0',
    '',
    '    [regions.network.class_b]',
    '      ping_slot_dr = 3',
    '      ping_slot_frequency = 0',
    '',
  );
  return lines.join('\n');
}
