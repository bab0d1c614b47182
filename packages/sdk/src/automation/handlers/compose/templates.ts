import type * as automation from '@fieldops/contracts/automation/v1';

/** A stack the `deploy_compose_stack` action knows. */
export type ComposeStack = automation.ActionOf<'deploy_compose_stack'>['stack'];

/** The files of one stack, as handlebars templates, by path inside the project directory. */
export interface StackTemplate {
  /** Secrets the stack cannot start without (environment variable names). */
  requiredSecrets: string[];
  /** The service that receives the action's extra `env` and `secrets`. */
  appService: string;
  files: Record<string, string>;
}

// Every value in a compose file is an environment reference (`${NAME}`), never a value: the values
// reach `docker compose` through its environment (secrets) or `fieldops.env` (plain settings).
const appEnv = `{{#each envKeys}}
      {{this}}: \${ {{~this~}} }
{{/each}}
{{#each secretKeys}}
      {{this}}: \${ {{~this~}} :?{{this}} is required}
{{/each}}`;

const CHIRPSTACK = `# Rendered by @fieldops/sdk for deployment {{deploymentId}} - do not edit by hand.
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
${appEnv}
    ports:
      - "8080:8080"
  chirpstack-gateway-bridge:
    image: {{json images.gatewayBridge}}
    restart: unless-stopped
    ports:
      - "1700:1700/udp"
    volumes:
      - ./configuration/chirpstack-gateway-bridge:/etc/chirpstack-gateway-bridge:ro
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
    ports:
      - "1883:1883"
volumes:
  postgresqldata:
  redisdata:
`;

// ChirpStack substitutes $NAME from its environment in its TOML: the password stays a reference.
const CHIRPSTACK_TOML = `# Rendered by @fieldops/sdk - do not edit by hand.
[logging]
  level = "info"

[postgresql]
  dsn = "postgres://chirpstack:$POSTGRES_PASSWORD@$POSTGRESQL_HOST/chirpstack?sslmode=disable"
  max_open_connections = 10

[redis]
  servers = ["redis://$REDIS_HOST/"]

[network]
  net_id = "000000"
  enabled_regions = [{{json region}}]

[api]
  bind = "0.0.0.0:8080"

[integration]
  enabled = ["mqtt"]

  [integration.mqtt]
    server = "tcp://$MQTT_BROKER_HOST:1883/"
    json = true
`;

const GATEWAY_BRIDGE_TOML = `# Rendered by @fieldops/sdk - do not edit by hand.
[integration.mqtt]
  event_topic_template = "{{region}}/gateway/\\{{ .GatewayID }}/event/\\{{ .EventType }}"
  state_topic_template = "{{region}}/gateway/\\{{ .GatewayID }}/state/\\{{ .StateType }}"
  command_topic_template = "{{region}}/gateway/\\{{ .GatewayID }}/command/#"

[integration.mqtt.auth.generic]
  servers = ["tcp://mosquitto:1883"]

[backend.semtech_udp]
  udp_bind = "0.0.0.0:1700"
`;

const appStack = (
  service: string,
  image: string,
  db: string,
  secret: string,
  port: number,
) => `# Rendered by @fieldops/sdk for deployment {{deploymentId}} - do not edit by hand.
name: {{json project}}
services:
  ${service}:
    image: {{json (concat images.${image} ":" version)}}
    restart: unless-stopped
    depends_on:
      - postgres
    environment:
      DATABASE_HOST: postgres
      DATABASE_NAME: ${db}
      DATABASE_USER: ${db}
${appEnv}
    ports:
      - "${port}:${port}"
  postgres:
    image: {{json images.postgres}}
    restart: unless-stopped
    environment:
      POSTGRES_USER: ${db}
      POSTGRES_DB: ${db}
      POSTGRES_PASSWORD: \${${secret}:?${secret} is required}
    volumes:
      - dbdata:/var/lib/postgresql/data
volumes:
  dbdata:
`;

/** The built-in templates of the three stacks. */
export const STACK_TEMPLATES: Record<ComposeStack, StackTemplate> = {
  chirpstack: {
    requiredSecrets: ['POSTGRES_PASSWORD'],
    appService: 'chirpstack',
    files: {
      'compose.yaml': CHIRPSTACK,
      'configuration/chirpstack/chirpstack.toml': CHIRPSTACK_TOML,
      'configuration/chirpstack-gateway-bridge/chirpstack-gateway-bridge.toml': GATEWAY_BRIDGE_TOML,
    },
  },
  rfid: {
    requiredSecrets: ['RFID_DB_PASSWORD'],
    appService: 'rfid-backend',
    files: { 'compose.yaml': appStack('rfid-backend', 'rfid', 'rfid', 'RFID_DB_PASSWORD', 8000) },
  },
  crm: {
    requiredSecrets: ['CRM_DB_PASSWORD'],
    appService: 'crm',
    files: { 'compose.yaml': appStack('crm', 'crm', 'crm', 'CRM_DB_PASSWORD', 8090) },
  },
};

/** Images the templates use; override any of them. */
export interface StackImages {
  chirpstack: string;
  gatewayBridge: string;
  rfid: string;
  crm: string;
  postgres: string;
  redis: string;
  mosquitto: string;
}

/** The default images (the app image tag comes from the action's `version`). */
export const DEFAULT_STACK_IMAGES: StackImages = {
  chirpstack: 'chirpstack/chirpstack',
  gatewayBridge: 'chirpstack/chirpstack-gateway-bridge:4',
  rfid: 'ghcr.io/fieldops/rfid-backend',
  crm: 'ghcr.io/fieldops/crm',
  postgres: 'postgres:14-alpine',
  redis: 'redis:7-alpine',
  mosquitto: 'eclipse-mosquitto:2',
};
