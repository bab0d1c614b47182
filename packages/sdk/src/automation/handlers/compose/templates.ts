import { APP_ENV, CHIRPSTACK_STACK } from './chirpstack-stack.js';
import type { ComposeStack, StackImages, StackTemplate } from './stack-template.js';

export type { ComposeStack, StackContext, StackImages, StackTemplate } from './stack-template.js';

const appStack = (
  service: string,
  image: string,
  db: string,
  secret: string,
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
${APP_ENV}
    ports:
      - {{json ports.http}}
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
  chirpstack: CHIRPSTACK_STACK,
  rfid: {
    requiredSecrets: ['RFID_DB_PASSWORD'],
    appService: 'rfid-backend',
    files: { 'compose.yaml': appStack('rfid-backend', 'rfid', 'rfid', 'RFID_DB_PASSWORD') },
  },
  crm: {
    requiredSecrets: ['CRM_DB_PASSWORD'],
    appService: 'crm',
    files: { 'compose.yaml': appStack('crm', 'crm', 'crm', 'CRM_DB_PASSWORD') },
  },
};

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
