// The ChirpStack v4 site stack, laid out as chirpstack/chirpstack-docker does (docker-compose.yml and
// configuration/** at its default branch): ChirpStack reads every .toml in /etc/chirpstack, the
// Gateway Bridge its own directory, Mosquitto /mosquitto/config, Postgres runs the initdb scripts.
import { buildRegionToml, regionFilePath, STACK_MQTT_USER } from './chirpstack-regions.js';
import type { StackContext, StackTemplate } from './stack-template.js';

/** Compose `environment:` lines of the action's plain settings and secrets (references only). */
export const APP_ENV = `{{#each envKeys}}
      {{this}}: \${ {{~this~}} }
{{/each}}
{{#each secretKeys}}
      {{this}}: \${ {{~this~}} :?{{this}} is required}
{{/each}}`;

const COMPOSE = `# Rendered by @fieldops/sdk for deployment {{deploymentId}} - do not edit by hand.
name: {{json project}}
services:
  chirpstack:
    image: {{json (concat images.chirpstack ":" version)}}
    command: -c /etc/chirpstack
    restart: unless-stopped
    volumes:
      - ./configuration/chirpstack:/etc/chirpstack:ro
    depends_on:
      - postgres
      - redis
      - mosquitto
    environment:
      MQTT_BROKER_HOST: mosquitto
      REDIS_HOST: redis
      POSTGRESQL_HOST: postgres
${APP_ENV}
    ports:
      - {{json ports.api}}
  chirpstack-gateway-bridge:
    image: {{json images.gatewayBridge}}
    restart: unless-stopped
    ports:
      - {{json ports.gateway_bridge}}
    volumes:
      - ./configuration/chirpstack-gateway-bridge:/etc/chirpstack-gateway-bridge:ro
    environment:
      # The Gateway Bridge maps INTEGRATION__MQTT__… to integration.mqtt.… of its TOML.
      INTEGRATION__MQTT__AUTH__GENERIC__PASSWORD: \${MQTT_PASSWORD:?MQTT_PASSWORD is required}
    depends_on:
      - mosquitto
  postgres:
    image: {{json images.postgres}}
    restart: unless-stopped
    environment:
      POSTGRES_USER: chirpstack
      POSTGRES_DB: chirpstack
      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}
    volumes:
      - ./configuration/postgresql/initdb:/docker-entrypoint-initdb.d:ro
      - postgresqldata:/var/lib/postgresql/data
  redis:
    image: {{json images.redis}}
    restart: unless-stopped
    command: redis-server --save 300 1 --save 60 100 --appendonly no
    volumes:
      - redisdata:/data
  mosquitto:
    image: {{json images.mosquitto}}
    restart: unless-stopped
    # The password file is made at start from the environment (mosquitto_passwd hashes it), so no
    # file of the project holds the password. $$ is a literal $ for the shell.
    command:
      - /bin/sh
      - -c
      - >-
        mosquitto_passwd -b -c /mosquitto/data/passwd {{mqttUser}} "$$MQTT_PASSWORD"
        && chown mosquitto:mosquitto /mosquitto/data/passwd
        && chmod 0700 /mosquitto/data/passwd
        && exec mosquitto -c /mosquitto/config/mosquitto.conf
    environment:
      MQTT_PASSWORD: \${MQTT_PASSWORD:?MQTT_PASSWORD is required}
    ports:
      - {{json ports.mqtt}}
    volumes:
      - ./configuration/mosquitto/config:/mosquitto/config:ro
      - mosquittodata:/mosquitto/data
volumes:
  postgresqldata:
  redisdata:
  mosquittodata:
`;

// ChirpStack substitutes $NAME from its environment in its TOML: secrets stay references.
const CHIRPSTACK_TOML = `# Rendered by @fieldops/sdk for deployment {{deploymentId}} - do not edit by hand.
[logging]
  level = "info"

[postgresql]
  dsn = "postgres://chirpstack:$POSTGRES_PASSWORD@$POSTGRESQL_HOST/chirpstack?sslmode=disable"
  max_open_connections = 10

[redis]
  servers = ["redis://$REDIS_HOST/"]

[network]
  net_id = "000000"
  # Each id has its [[regions]] in region_<id>.toml beside this file.
  enabled_regions = [{{#each regions}}{{#unless @first}}, {{/unless}}{{json this}}{{/each}}]

[api]
  bind = "0.0.0.0:8080"
  secret = "$CHIRPSTACK_API_SECRET"

[integration]
  enabled = ["mqtt"]

  [integration.mqtt]
    server = "tcp://$MQTT_BROKER_HOST:1883/"
    username = {{json mqttUser}}
    password = "$MQTT_PASSWORD"
    json = {{json mqttJson}}
`;

const GATEWAY_BRIDGE_TOML = `# Rendered by @fieldops/sdk for deployment {{deploymentId}} - do not edit by hand.
# Semtech UDP packet forwarders ({{region}}); the password comes from INTEGRATION__MQTT__AUTH__GENERIC__PASSWORD.
[backend]
  type = "semtech_udp"

  [backend.semtech_udp]
    udp_bind = "0.0.0.0:1700"

[integration]
  marshaler = "protobuf"

  [integration.mqtt]
    event_topic_template = "{{topicPrefix}}/gateway/\\{{ .GatewayID }}/event/\\{{ .EventType }}"
    state_topic_template = "{{topicPrefix}}/gateway/\\{{ .GatewayID }}/state/\\{{ .StateType }}"
    command_topic_template = "{{topicPrefix}}/gateway/\\{{ .GatewayID }}/command/#"
    state_retained = true

    [integration.mqtt.auth]
      type = "generic"

      [integration.mqtt.auth.generic]
        servers = ["tcp://mosquitto:1883"]
        username = {{json mqttUser}}
        password = ""
`;

const MOSQUITTO_CONF = `# Rendered by @fieldops/sdk for deployment {{deploymentId}} - do not edit by hand.
# Mosquitto 2 listens on localhost only without a listener line: listen on every interface of the
# container (the published port is bound to the site LAN) and refuse anonymous clients.
listener 1883
protocol mqtt
allow_anonymous false
password_file /mosquitto/data/passwd
persistence true
persistence_location /mosquitto/data/
log_dest stdout
`;

const POSTGRES_INITDB = `#!/bin/sh
# Rendered by @fieldops/sdk - do not edit by hand. ChirpStack v4's migrations need these extensions.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname="$POSTGRES_DB" <<-EOSQL
    create extension if not exists pg_trgm;
    create extension if not exists hstore;
EOSQL
`;

// What fieldops-agent needs to read this stack's MQTT: the same user, prefixes and encoding.
const AGENT_MQTT_YAML = `# Rendered by @fieldops/sdk for deployment {{deploymentId}} - do not edit by hand.
# The mqtt section of fieldops-agent's site.yaml for this stack.
mqtt:
  url: "mqtt://mosquitto:1883"
  username: {{json mqttUser}}
  password: "env:MQTT_PASSWORD"
  application_topic_prefix: "application"
  json: {{json mqttJson}}
  gateway_topic_prefixes:
{{#each regions}}
    - {{json this}}
{{/each}}
`;

/** The ChirpStack v4 stack: compose.yaml and every file its containers read. */
export const CHIRPSTACK_STACK: StackTemplate = {
  requiredSecrets: ['POSTGRES_PASSWORD', 'MQTT_PASSWORD', 'CHIRPSTACK_API_SECRET'],
  appService: 'chirpstack',
  files: {
    'compose.yaml': COMPOSE,
    'configuration/chirpstack/chirpstack.toml': CHIRPSTACK_TOML,
    'configuration/chirpstack-gateway-bridge/chirpstack-gateway-bridge.toml': GATEWAY_BRIDGE_TOML,
    'configuration/mosquitto/config/mosquitto.conf': MOSQUITTO_CONF,
    'configuration/postgresql/initdb/001-chirpstack_extensions.sh': POSTGRES_INITDB,
    'configuration/fieldops-agent/mqtt.yaml': AGENT_MQTT_YAML,
  },
  buildFiles: (context: StackContext) =>
    Object.fromEntries(
      context.regions.map((id) => [regionFilePath(id), buildRegionToml(id, context.deploymentId)]),
    ),
  context: () => ({ mqttUser: STACK_MQTT_USER, mqttJson: true }),
};

// ChirpStack pastes environment values into its TOML text before parsing, and the Postgres password
// also lands inside a URL: values that would change the meaning of either are refused (by name only).
const SUBSTITUTED: Record<string, { pattern: RegExp; rule: string }> = {
  POSTGRES_PASSWORD: {
    pattern: /^[A-Za-z0-9._~-]+$/,
    rule: 'letters, digits and . _ ~ - only (it is pasted into the postgres:// DSN)',
  },
  MQTT_PASSWORD: {
    pattern: /^[^"\\$\s]+$/,
    rule: 'no quote, backslash, $ or whitespace (it is pasted into TOML)',
  },
  CHIRPSTACK_API_SECRET: {
    pattern: /^[^"\\$\s]+$/,
    rule: 'no quote, backslash, $ or whitespace (it is pasted into TOML)',
  },
};

/** Why a resolved secret cannot be pasted into ChirpStack's TOML, or undefined when it can. Never shows the value. */
export function checkChirpStackSecret(name: string, value: string): string | undefined {
  const rule = SUBSTITUTED[name];
  if (!rule || rule.pattern.test(value)) return undefined;
  return `the value of ${name} breaks ChirpStack's configuration: ${rule.rule}`;
}
