// Handlebars templates of the gateway configuration files. Kept as strings in a module so tsup
// inlines them into the bundle: the built package needs no template files on disk. Values go
// through the `json` helper, which writes JSON literals (also valid TOML basic strings and numbers).

/** Semtech UDP packet forwarder, SX1302/SX1303 HAL layout (`SX130x_conf`, sx1250 radios). */
export const SEMTECH_UDP_SX1302 = `{
  "SX130x_conf": {
    "com_type": "SPI",
    "com_path": {{json comPath}},
    "lorawan_public": true,
    "clksrc": 0,
    "antenna_gain": 0,
    "full_duplex": false,
    "fine_timestamp": { "enable": false, "mode": "all_sf" },
    "radio_0": {
      "enable": true,
      "type": "SX1250",
      "freq": {{json radio0}},
      "rssi_offset": -215.4,
      "rssi_tcomp": { "coeff_a": 0, "coeff_b": 0, "coeff_c": 20.41, "coeff_d": 2162.56, "coeff_e": 0 },
      "tx_enable": true,
      "tx_freq_min": {{json txMin}},
      "tx_freq_max": {{json txMax}}
    },
    "radio_1": {
      "enable": true,
      "type": "SX1250",
      "freq": {{json radio1}},
      "rssi_offset": -215.4,
      "rssi_tcomp": { "coeff_a": 0, "coeff_b": 0, "coeff_c": 20.41, "coeff_d": 2162.56, "coeff_e": 0 },
      "tx_enable": false
    },
    "chan_multiSF_All": { "spreading_factor_enable": [5, 6, 7, 8, 9, 10, 11, 12] },
{{#each channels}}
    "chan_multiSF_{{@index}}": { "enable": true, "radio": {{json radio}}, "if": {{json if}} },
{{/each}}
    "chan_Lora_std": {
      "enable": true, "radio": {{json loraStd.radio}}, "if": {{json loraStd.if}}, "bandwidth": 250000,
      "spread_factor": 7, "implicit_hdr": false, "implicit_payload_length": 17,
      "implicit_crc_en": false, "implicit_coderate": 1
    },
    "chan_FSK": { "enable": true, "radio": {{json fsk.radio}}, "if": {{json fsk.if}}, "bandwidth": 125000, "datarate": 50000 }
  },
  "gateway_conf": {
    "gateway_ID": {{json gatewayId}},
    "server_address": {{json serverAddress}},
    "serv_port_up": {{json port}},
    "serv_port_down": {{json port}},
    "keepalive_interval": 10,
    "stat_interval": {{json statInterval}},
    "push_timeout_ms": 100,
    "forward_crc_valid": true,
    "forward_crc_error": false,
    "forward_crc_disabled": false
  }
}
`;

/** Semtech UDP packet forwarder, legacy SX1301 HAL layout (`SX1301_conf`, sx1257 radios). */
export const SEMTECH_UDP_SX1301 = `/* Semtech UDP packet forwarder for SX1301, {{plan.name}} ({{plan.id}}). Rendered by fieldops. */
{
  "SX1301_conf": {
    "lorawan_public": true,
    "clksrc": 1,
    "antenna_gain": 0,
    "radio_0": {
      "enable": true,
      "type": "SX1257",
      "freq": {{json radio0}},
      "rssi_offset": -166.0,
      "tx_enable": true,
      "tx_freq_min": {{json txMin}},
      "tx_freq_max": {{json txMax}}
    },
    "radio_1": { "enable": true, "type": "SX1257", "freq": {{json radio1}}, "rssi_offset": -166.0, "tx_enable": false },
{{#each channels}}
    /* {{mhz}} MHz */
    "chan_multiSF_{{@index}}": { "enable": true, "radio": {{json radio}}, "if": {{json if}} },
{{/each}}
    "chan_Lora_std": { "enable": true, "radio": {{json loraStd.radio}}, "if": {{json loraStd.if}}, "bandwidth": 250000, "spread_factor": 7 },
    "chan_FSK": { "enable": true, "radio": {{json fsk.radio}}, "if": {{json fsk.if}}, "bandwidth": 125000, "datarate": 50000 }
  },
  "gateway_conf": {
    "gateway_ID": {{json gatewayId}},
    "server_address": {{json serverAddress}},
    "serv_port_up": {{json port}},
    "serv_port_down": {{json port}},
    "keepalive_interval": 10,
    "stat_interval": {{json statInterval}},
    "push_timeout_ms": 100,
    "forward_crc_valid": true,
    "forward_crc_error": false,
    "forward_crc_disabled": false
  }
}
`;

/** ChirpStack Gateway Bridge: Semtech UDP in on port 1700, MQTT out with the region's topic prefix. */
export const GATEWAY_BRIDGE_TOML = `# ChirpStack Gateway Bridge, {{plan.name}} ({{plan.id}}). Rendered by fieldops.
[general]
log_level = 4

[backend]
type = "semtech_udp"

  [backend.semtech_udp]
  udp_bind = {{json udpBind}}
  skip_crc_check = false
  fake_rx_time = false

[integration]
marshaler = "protobuf"

  [integration.mqtt]
  event_topic_template = {{json eventTopic}}
  state_topic_template = {{json stateTopic}}
  command_topic_template = {{json commandTopic}}
  state_retained = true
  keep_alive = "30s"
  max_reconnect_interval = "1m0s"

  [integration.mqtt.auth]
  type = "generic"

    [integration.mqtt.auth.generic]
    servers = [{{json mqttServer}}]
    username = {{json mqttUsername}}
    password = {{json mqttPassword}}
    qos = 0
    clean_session = true
    client_id = {{json clientId}}
`;
