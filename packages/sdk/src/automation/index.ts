// @fieldops/sdk/automation: runs execution specs, records run bundles for the KB, writes back to the
// registry. Loads no protobuf: configure_gateway reaches @fieldops/sdk/chirpstack by dynamic import.

/** What a step would do (dry runs). */
export { describeAction } from './dry-run.js';
// ---- errors ----
export type { AutomationErrorCode } from './errors.js';
/** Errors of the automation module. */
export { AutomationError, BundlePathError, RunCancelledError, StepTimeoutError } from './errors.js';
export type { EventfulStatus } from './events.js';
/** The CloudEvent of a run status change. */
export { buildRunEvent } from './events.js';
export type { CommandOptions, CommandResult, CommandRunner } from './handlers/command-runner.js';
/** Spawns commands (the compose handler's default runner). */
export { createChildProcessRunner } from './handlers/command-runner.js';
export type {
  DeployComposeStackHandler,
  DeployComposeStackHandlerOptions,
} from './handlers/compose/deploy-compose-stack.js';
/** `deploy_compose_stack` through docker compose. */
export {
  COMPOSE_ENV_FILE,
  createDeployComposeStackHandler,
} from './handlers/compose/deploy-compose-stack.js';
export type { RenderComposeOptions, RenderedComposeProject } from './handlers/compose/render.js';
/** Renders a compose project from the stack templates. */
export { renderComposeProject } from './handlers/compose/render.js';
export type { ComposeStack, StackContext, StackImages, StackTemplate } from './handlers/compose/templates.js';
/** Built-in stack templates and images. */
export { DEFAULT_STACK_IMAGES, STACK_TEMPLATES } from './handlers/compose/templates.js';
// ---- built-in handlers ----
export type { DefaultHandlersOptions } from './handlers/defaults.js';
/** One built-in handler per action kind. */
export { createDefaultHandlers } from './handlers/defaults.js';
export type {
  ConfigureGatewayHandler,
  ConfigureGatewayHandlerOptions,
} from './handlers/gateway/configure-gateway.js';
/** `configure_gateway`: ChirpStack registration and forwarder config. */
export { createConfigureGatewayHandler } from './handlers/gateway/configure-gateway.js';
export type { ForwarderConfigInput, ForwarderConfigRenderer } from './handlers/gateway/forwarder-config.js';
/** Forwarder configuration renderers: ChirpStack templates (default) or the per-gateway local_conf. */
export {
  createChirpStackForwarderConfigRenderer,
  createLocalForwarderConfigRenderer,
} from './handlers/gateway/forwarder-config.js';
export type {
  ChirpStackTarget,
  GatewayRegistrar,
  GatewayRegistration,
} from './handlers/gateway/registrar.js';
/** Gateway registration over @fieldops/sdk/chirpstack (lazy). */
export { createChirpStackGatewayRegistrar } from './handlers/gateway/registrar.js';
/** Gateway state from the ChirpStack a spec names. */
export { createSpecGatewayStateReader } from './handlers/gateway/state-reader.js';
export type { ProbeResult } from './handlers/health/probes.js';
/** Single probes. */
export { probeHttp, probeTcp, probeUdp } from './handlers/health/probes.js';
export type {
  GatewayStateReader,
  HealthCheckResult,
  RunHealthChecksHandler,
  RunHealthChecksHandlerOptions,
  StationStatusReader,
} from './handlers/health/run-health-checks.js';
/** `run_health_checks`: TCP, UDP, HTTP, gateway online, station status. */
export { createRunHealthChecksHandler } from './handlers/health/run-health-checks.js';
export type {
  RfidStationStatusReaderOptions,
  StationStatusSource,
} from './handlers/health/station-reader.js';
/** Station checks over an RfidClient. */
export { createRfidStationStatusReader } from './handlers/health/station-reader.js';
export type { OpenTicketHandler } from './handlers/open-ticket.js';
/** `open_ticket_on_failure` through the registry tickets API. */
export { createOpenTicketHandler } from './handlers/open-ticket.js';
export type { GuestInterface, ProxmoxClient, ProxmoxClientOptions } from './handlers/proxmox/client.js';
/** Proxmox VE API client (token auth). */
export { createProxmoxClient, pickGuestIpv4 } from './handlers/proxmox/client.js';
export type { ProvisionVmHandler, ProvisionVmHandlerOptions } from './handlers/proxmox/provision-vm.js';
/** `provision_vm` over Proxmox VE. */
export { createProvisionVmHandler } from './handlers/proxmox/provision-vm.js';
/** Path checks of bundle components. */
export {
  buildBundleRelativeDir,
  buildSnapshotName,
  resolveInside,
  validateBundleDate,
  validateBundlePath,
  validateProjectName,
  validateRunId,
} from './kb/paths.js';
export type { PostmortemContext, PostmortemInput } from './kb/postmortem.js';
/** Renders `postmortem.md`. */
export { buildPostmortem } from './kb/postmortem.js';
/** The default postmortem body template. */
export { DEFAULT_POSTMORTEM_TEMPLATE } from './kb/postmortem-template.js';
// ---- run bundles ----
export type { ArtifactInput, LogInput, RunRecorderOptions, SnapshotInput } from './kb/run-recorder.js';
/** Writes one run bundle under the KB root. */
export { createRunRecorder, RunRecorder } from './kb/run-recorder.js';
/** The pino-compatible logger the runner writes to. */
export type { Logger as AutomationLogger } from './logger.js';
export type { Sleep } from './retry.js';
/** Backoff between attempts of a step, from its retry policy. */
export { buildBackoffMs, defaultSleep } from './retry.js';
// ---- runner ----
export type { KbOptions, RunResult, RunSpecOptions } from './run-options.js';
/** Runs an execution spec end to end. */
export { runSpec } from './runner.js';
// ---- handler interfaces ----
export type {
  ActionHandler,
  ActionHandlers,
  AutomationRegistry,
  EventSink,
  HandlerContext,
  SecretSource,
  StepLog,
  StepOutcome,
  StepOutputs,
} from './types.js';
/** Sends run record changes to the registry in order. */
export { RunWriteBack } from './write-back.js';
