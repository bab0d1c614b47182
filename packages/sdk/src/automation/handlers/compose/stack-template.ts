import type * as automation from '@fieldops/contracts/automation/v1';
import type { As923PlanId } from '@fieldops/contracts/regions/v1';

/** A stack the `deploy_compose_stack` action knows. */
export type ComposeStack = automation.ActionOf<'deploy_compose_stack'>['stack'];

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

/** What every template is rendered with. */
export interface StackContext {
  deploymentId: string;
  project: string;
  version: string;
  /** The first enabled region (the one the Semtech UDP Gateway Bridge serves). */
  region: As923PlanId;
  /** Every enabled region, the first one first. */
  regions: As923PlanId[];
  /** The MQTT topic prefix of `region`. */
  topicPrefix: string;
  images: StackImages;
  envKeys: string[];
  secretKeys: string[];
  /** Compose `ports:` entries by the stack's port key (`"10.0.0.5:1700:1700/udp"`). */
  ports: Record<string, string>;
  [extra: string]: unknown;
}

/** The files of one stack, as handlebars templates, by path inside the project directory. */
export interface StackTemplate {
  /** Secrets the stack cannot start without (environment variable names). */
  requiredSecrets: string[];
  /** The service that receives the action's extra `env` and `secrets`. */
  appService: string;
  files: Record<string, string>;
  /** Files computed rather than templated (one per region, say), by path. */
  buildFiles?: (context: StackContext) => Record<string, string>;
  /** Extra template variables of this stack. */
  context?: () => Record<string, unknown>;
}
