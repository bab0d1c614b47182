import { z } from 'zod';
import { CustomerId, DeploymentId, DeviceId, GatewayId, RunId, SiteId, StationId } from '../ids/v1.js';
import {
  eui64,
  host,
  httpUrl,
  json,
  jsonObject,
  mac,
  port,
  semver,
  slug,
  timestamp,
} from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import { As923PlanId } from '../regions/v1.js';
import { SecretRef } from '../secrets/v1.js';

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('automation', 1, name, schema, description);

// ---------------------------------------------------------------------------------------------
// Execution spec (CRM -> automation). Authored documents are strict: an unknown key is a typo.
// ---------------------------------------------------------------------------------------------

/** A gateway the spec deploys. */
export const GatewayTarget = c(
  'GatewayTarget',
  z.strictObject({
    device_id: DeviceId,
    gateway_id: GatewayId,
    gateway_eui: eui64('a gateway EUI'),
    name: z.string().min(1).max(100),
    region: As923PlanId,
    concentrator: z.enum(['sx1301', 'sx1302']).optional(),
  }),
);
export type GatewayTarget = z.infer<typeof GatewayTarget>;

/** A LoRaWAN end device the spec provisions. */
export const DeviceTarget = c(
  'DeviceTarget',
  z.strictObject({
    device_id: DeviceId,
    dev_eui: eui64('a DevEUI'),
    name: z.string().min(1).max(100),
    device_profile: z
      .string()
      .min(1)
      .max(100)
      .meta({ description: 'Name of the ChirpStack device profile.' }),
    application: z.string().min(1).max(100).meta({ description: 'Name of the ChirpStack application.' }),
    join_eui: eui64('a JoinEUI').optional(),
    app_key_ref: SecretRef.optional().meta({
      description: 'The AppKey (nwk_key for LoRaWAN 1.0.x), by reference.',
    }),
  }),
);
export type DeviceTarget = z.infer<typeof DeviceTarget>;

/** An RFID station the spec claims and maps. */
export const StationTarget = c(
  'StationTarget',
  z.strictObject({
    device_id: DeviceId,
    station_id: StationId.optional().meta({ description: 'Known after the claim; absent before.' }),
    mac: mac(),
    claim_code_ref: SecretRef.optional(),
    line_id: z.string().min(1).max(64),
  }),
);
export type StationTarget = z.infer<typeof StationTarget>;

/** What each step may say about retries. */
export const RetryPolicy = c(
  'RetryPolicy',
  z.strictObject({
    max_attempts: z.int().min(1).max(10),
    backoff_s: z.number().min(0).max(3600).optional(),
    max_backoff_s: z.number().min(0).max(3600).optional(),
  }),
);
export type RetryPolicy = z.infer<typeof RetryPolicy>;

const step = {
  id: slug('a step id'),
  name: z.string().max(200).optional(),
  timeout_s: z.number().positive().max(86_400).optional(),
  retry: RetryPolicy.optional(),
  continue_on_error: z.boolean().optional(),
};

/** Clone a Proxmox VE template into a VM, size it, start it and wait for the guest agent's IP. */
export const ProvisionVmAction = c(
  'ProvisionVmAction',
  z.strictObject({
    ...step,
    kind: z.literal('provision_vm'),
    proxmox: z.strictObject({
      api_url: httpUrl(),
      node: z.string().min(1).max(64),
      token_id: z.string().min(1).max(200).meta({ description: 'API token id, `user@realm!tokenname`.' }),
      token_secret_ref: SecretRef,
      verify_tls: z.boolean().optional(),
    }),
    template_vmid: z.int().min(100).max(999_999_999),
    vmid: z.int().min(100).max(999_999_999).optional(),
    vm_name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, { error: 'expected a DNS-style VM name' }),
    cores: z.int().min(1).max(512),
    memory_mb: z.int().min(256).max(4_194_304),
    disk_gb: z.int().min(1).max(65_536).optional(),
    bridge: z.string().min(1).max(32).optional(),
    vlan: z.int().min(1).max(4094).optional(),
    full_clone: z.boolean().optional(),
    wait_for_ip_s: z.int().min(1).max(3600).optional(),
  }),
);

/** Render a compose project (chirpstack | rfid | crm) and run `docker compose up`. */
export const DeployComposeStackAction = c(
  'DeployComposeStackAction',
  z.strictObject({
    ...step,
    kind: z.literal('deploy_compose_stack'),
    stack: z.enum(['chirpstack', 'rfid', 'crm']),
    project_name: slug('a compose project name'),
    docker_host: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .meta({ description: 'DOCKER_HOST, e.g. ssh://ops@10.0.0.5.' }),
    version: z.string().min(1).max(64).meta({ description: 'Image tag of the stack.' }),
    region: As923PlanId.optional().meta({
      description: 'For the chirpstack stack: the region plan enabled.',
    }),
    regions: z.array(As923PlanId).min(1).max(4).optional().meta({
      description:
        'For the chirpstack stack: every region plan enabled (with `region`, which comes first and is the one the Semtech UDP bridge serves).',
    }),
    lan_address: z
      .string()
      .regex(/^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+)$/, {
        error: 'expected an IP address',
      })
      .optional()
      .meta({
        description:
          'The site LAN address published ports bind to (checked against the ports baseline). Required for the chirpstack and rfid stacks unless `publish_on_all_interfaces` is true.',
      }),
    publish_on_all_interfaces: z.boolean().optional().meta({
      description:
        'Explicit opt-in to publish the stack ports (1700/udp, 8080, 1883 for chirpstack) on every interface (0.0.0.0).',
    }),
    env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.string().max(4096)).optional(),
    secrets: z
      .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), SecretRef)
      .optional()
      .meta({ description: 'Environment variables whose values are secrets, by reference.' }),
  }),
);

/** Register a gateway in ChirpStack and render its packet-forwarder configuration. */
export const ConfigureGatewayAction = c(
  'ConfigureGatewayAction',
  z.strictObject({
    ...step,
    kind: z.literal('configure_gateway'),
    gateway_id: GatewayId,
    forwarder: z.enum(['semtech-udp', 'gateway-bridge']),
    server_address: host(),
    server_port: port().optional().meta({ description: 'Defaults to UDP 1700.' }),
    chirpstack: z.strictObject({
      target: z.string().regex(/^[A-Za-z0-9.[\]:-]+:\d{1,5}$/, { error: 'expected host:port' }),
      tenant: z.string().min(1).max(100),
      api_token_ref: SecretRef,
      tls: z.boolean().optional(),
    }),
    stats_interval_s: z.int().min(5).max(3600).optional(),
  }),
);

/** One health check. */
export const HealthCheck = c(
  'HealthCheck',
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('tcp'),
      name: z.string().optional(),
      host: host(),
      port: port(),
      timeout_ms: z.int().positive().optional(),
    }),
    z.strictObject({
      type: z.literal('udp'),
      name: z.string().optional(),
      host: host(),
      port: port(),
      payload_hex: z
        .string()
        .regex(/^(?:[0-9a-fA-F]{2})*$/)
        .optional(),
      expect_reply: z.boolean().optional(),
      timeout_ms: z.int().positive().optional(),
    }),
    z.strictObject({
      type: z.literal('http'),
      name: z.string().optional(),
      url: httpUrl(),
      expect_status: z.int().min(100).max(599).optional(),
      expect_body_contains: z.string().optional(),
      timeout_ms: z.int().positive().optional(),
    }),
    z.strictObject({
      type: z.literal('chirpstack_gateway_online'),
      name: z.string().optional(),
      gateway_eui: eui64('a gateway EUI'),
    }),
    z.strictObject({
      type: z.literal('rfid_station_status'),
      name: z.string().optional(),
      station: z
        .union([StationId, DeviceId])
        .meta({ description: 'The station id, or the device id of a station target.' }),
      expect_state: z.enum(['online', 'degraded', 'offline', 'unclaimed']).optional(),
    }),
  ]),
);
export type HealthCheck = z.infer<typeof HealthCheck>;

/** Run a list of health checks; the step fails when one fails. */
export const RunHealthChecksAction = c(
  'RunHealthChecksAction',
  z.strictObject({
    ...step,
    kind: z.literal('run_health_checks'),
    checks: z.array(HealthCheck).min(1).max(500),
  }),
);

/** Open a CRM/PM ticket when an earlier step failed (skipped when all went well). */
export const OpenTicketOnFailureAction = c(
  'OpenTicketOnFailureAction',
  z.strictObject({
    ...step,
    kind: z.literal('open_ticket_on_failure'),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    title: z.string().min(1).max(300).optional(),
    assignee: z.string().max(200).optional(),
    labels: z.array(z.string().min(1).max(64)).optional(),
  }),
);

/** One step of an execution spec, by `kind`. */
export const Action = c(
  'Action',
  z.discriminatedUnion(
    'kind',
    [
      ProvisionVmAction,
      DeployComposeStackAction,
      ConfigureGatewayAction,
      RunHealthChecksAction,
      OpenTicketOnFailureAction,
    ],
    {
      // Only reached when no variant matches the discriminator: say which kinds exist.
      error: (issue) =>
        issue.code === 'invalid_union'
          ? 'unknown action kind: expected provision_vm, deploy_compose_stack, configure_gateway, run_health_checks or open_ticket_on_failure'
          : undefined,
    },
  ),
);
export type Action = z.infer<typeof Action>;
/** The kinds of action. */
export type ActionKind = Action['kind'];
/** The action of one kind. */
export type ActionOf<K extends ActionKind> = Extract<Action, { kind: K }>;
/** Every action kind, in the order the system description lists them. */
export const ACTION_KINDS = [
  'provision_vm',
  'deploy_compose_stack',
  'configure_gateway',
  'run_health_checks',
  'open_ticket_on_failure',
] as const satisfies readonly ActionKind[];

/** The execution spec v1 the CRM emits for a deployment. */
export const ExecutionSpec = c(
  'ExecutionSpec',
  z
    .strictObject({
      $schema: z.string().optional(),
      spec_version: z.literal(1, { error: 'expected spec_version 1' }),
      deployment_id: DeploymentId,
      customer_id: CustomerId,
      site_id: SiteId,
      project: slug('a project slug').meta({ description: 'KB project the run bundles are filed under.' }),
      product_code: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: 'expected a product code' }),
      product_version: semver(),
      description: z.string().max(2000).optional(),
      targets: z.strictObject({
        gateways: z.array(GatewayTarget).default([]),
        devices: z.array(DeviceTarget).default([]),
        stations: z.array(StationTarget).default([]),
      }),
      actions: z.array(Action).min(1).max(1000),
    })
    .superRefine((spec, ctx) => {
      const seen = new Map<string, number>();
      spec.actions.forEach((a, i) => {
        const first = seen.get(a.id);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['actions', i, 'id'],
            message: `duplicate step id ${a.id} (also actions[${first}])`,
          });
        } else seen.set(a.id, i);
      });
      const gateways = new Set(spec.targets.gateways.map((g) => g.gateway_id));
      spec.actions.forEach((a, i) => {
        if (a.kind === 'configure_gateway' && !gateways.has(a.gateway_id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['actions', i, 'gateway_id'],
            message: `gateway ${a.gateway_id} is not among targets.gateways`,
          });
        }
      });
    }),
);
export type ExecutionSpec = z.infer<typeof ExecutionSpec>;
/** An execution spec as authored: `targets` lists may be left out (they default to empty). */
export type ExecutionSpecInput = z.input<typeof ExecutionSpec>;

// ---------------------------------------------------------------------------------------------
// Write-back (automation -> registry): the run record.
// ---------------------------------------------------------------------------------------------

/** Status of a run. */
export const RunStatus = c('RunStatus', z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']));
export type RunStatus = z.infer<typeof RunStatus>;

/** Status of a step (a step not run because of an earlier failure is `skipped`). */
export const StepStatus = c(
  'StepStatus',
  z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped']),
);
export type StepStatus = z.infer<typeof StepStatus>;

/** One change of status, of the run (no `step_id`) or of a step. */
export const TimelineEntry = c(
  'TimelineEntry',
  z.object({
    at: timestamp(),
    status: StepStatus,
    step_id: z.string().optional(),
    attempt: z.int().min(1).optional(),
    message: z.string().max(4000).optional(),
  }),
);
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** A link to something a run produced. */
export const RunLink = c(
  'RunLink',
  z.object({
    rel: z.enum(['bundle', 'logs', 'artifact', 'snapshot', 'postmortem', 'ticket', 'kb_page']),
    href: z.string().min(1).max(2000),
    title: z.string().max(300).optional(),
    step_id: z.string().optional(),
  }),
);
export type RunLink = z.infer<typeof RunLink>;

/** The outcome of one step. */
export const StepResult = c(
  'StepResult',
  z.object({
    step_id: z.string().min(1),
    kind: z.enum(ACTION_KINDS),
    name: z.string().optional(),
    status: StepStatus,
    attempts: z.int().min(0),
    started_at: timestamp().optional(),
    finished_at: timestamp().optional(),
    duration_ms: z.number().min(0).optional(),
    message: z.string().max(4000).optional(),
    outputs: jsonObject().optional().meta({ description: 'Non-secret outputs, e.g. the VM IP.' }),
    error: z.object({ code: z.string(), message: z.string().max(4000) }).optional(),
  }),
);
export type StepResult = z.infer<typeof StepResult>;

/** The run record the runner writes back to the registry as the run goes. */
export const RunRecord = c(
  'RunRecord',
  z.object({
    automation_run_id: RunId,
    spec_version: z.literal(1),
    deployment_id: DeploymentId,
    site_id: SiteId.optional(),
    project: slug('a project slug'),
    product_code: z.string().optional(),
    product_version: z.string().optional(),
    status: RunStatus,
    dry_run: z.boolean().optional(),
    queued_at: timestamp(),
    started_at: timestamp().optional(),
    finished_at: timestamp().optional(),
    duration_ms: z.number().min(0).optional(),
    timeline: z.array(TimelineEntry),
    steps: z.array(StepResult),
    links: z.array(RunLink),
    ticket_id: z.string().optional(),
    runner: z.object({ name: z.string(), version: z.string(), host: z.string().optional() }).optional(),
    trace_id: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
  }),
);
export type RunRecord = z.infer<typeof RunRecord>;

/** Body of `PATCH /api/v1/automation-runs/{automation_run_id}`: the fields that changed. */
export const RunUpdate = c(
  'RunUpdate',
  z.object({
    status: RunStatus.optional(),
    started_at: timestamp().optional(),
    finished_at: timestamp().optional(),
    duration_ms: z.number().min(0).optional(),
    timeline: z.array(TimelineEntry).optional().meta({ description: 'Entries to append.' }),
    steps: z
      .array(StepResult)
      .optional()
      .meta({ description: 'Step results to insert or replace by step_id.' }),
    links: z.array(RunLink).optional().meta({ description: 'Links to append.' }),
    ticket_id: z.string().optional(),
  }),
);
export type RunUpdate = z.infer<typeof RunUpdate>;

/** Arbitrary JSON a handler may attach to its step result. */
export const StepOutputs = c('StepOutputs', jsonObject());
/** Any JSON (re-exported for handler authors). */
export const JsonValue = c('JsonValue', json());
