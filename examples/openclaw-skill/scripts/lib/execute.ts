// The execution spec itself, through the SDK's runner: one handler per action kind (the built-in
// ones, pointed at the site through the --resolve map), a run bundle in the KB, the run record and
// the ticket in the registry, run events to notify.
import type { automation } from '@fieldops/contracts';
import {
  type ActionHandlers,
  type CommandRunner,
  createChirpStackGatewayRegistrar,
  createConfigureGatewayHandler,
  createDeployComposeStackHandler,
  createOpenTicketHandler,
  createProvisionVmHandler,
  createRfidStationStatusReader,
  createRunHealthChecksHandler,
  createSpecGatewayStateReader,
  type EventSink,
  type GatewayRegistrar,
  type RunResult,
  runSpec,
} from '@fieldops/sdk/automation';
import type { RegistryClient } from '@fieldops/sdk/registry';
import type { RfidClientV2 } from '@fieldops/sdk/rfid';
import type { SecretResolver } from '@fieldops/sdk/secrets';
import type { DeploySiteOptions } from './options.ts';
import type { SiteMap } from './site-map.ts';

/** What executing the spec needs. */
export interface ExecuteDeps {
  options: DeploySiteOptions;
  registry: RegistryClient;
  rfid: RfidClientV2;
  secrets: SecretResolver;
  site: SiteMap;
  events?: EventSink | undefined;
  /** Runner log lines (`step … succeeded`), for the progress printer. */
  onLog: (level: string, msg: string) => void;
  print: (line: string) => void;
}

/** A registrar that reaches ChirpStack where the site map says. */
function mappedRegistrar(site: SiteMap): GatewayRegistrar {
  const base = createChirpStackGatewayRegistrar();
  return {
    registerGateway: (cs, gw, signal) =>
      base.registerGateway({ ...cs, target: site.target(cs.target) }, gw, signal),
    gatewayState: (cs, eui) => base.gatewayState({ ...cs, target: site.target(cs.target) }, eui),
  };
}

/** `docker` commands printed, not run (--docker-dry-run): the compose project is still rendered into the bundle. */
function printingDocker(print: (line: string) => void): CommandRunner {
  return {
    async run(command, args, options = {}) {
      const line = `${command} ${args.join(' ')}`;
      print(`docker (dry run): ${line}`);
      options.onOutput?.('stdout', `dry run: ${line}\n`);
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
}

/** The handlers, built-in ones configured for this site. */
export function buildHandlers(deps: ExecuteDeps): ActionHandlers {
  const { options, site } = deps;
  const registrar = mappedRegistrar(site);
  const handlers: ActionHandlers = {
    provision_vm: createProvisionVmHandler(),
    deploy_compose_stack: createDeployComposeStackHandler(
      options.dockerDryRun ? { runner: printingDocker(deps.print) } : {},
    ),
    configure_gateway: createConfigureGatewayHandler({ registrar }),
    run_health_checks: createRunHealthChecksHandler({
      resolveAddress: (host, port) => site.address(host, port),
      fetch: (input, init) => fetch(site.url(String(input)), init),
      gateways: createSpecGatewayStateReader(registrar),
      stations: createRfidStationStatusReader(deps.rfid, {
        resolveStationId: async (deviceId) =>
          (await deps.registry.getDevice(deviceId)).device.external_refs.rfid?.station_id,
      }),
    }),
    open_ticket_on_failure: createOpenTicketHandler(),
  };
  const vm = options.existingVm;
  if (vm) {
    // No Proxmox here: the VM exists already. The step stays in the timeline, saying so.
    handlers.provision_vm = {
      describe: (a) => [`use the existing VM ${vm} instead of cloning ${a.template_vmid} as ${a.vm_name}`],
      async run(a, ctx) {
        ctx.log.info(`existing VM ${vm} used for ${a.vm_name}; Proxmox not called`);
        return { outputs: { vm_name: a.vm_name, ip: vm, existing: true }, message: `existing VM ${vm}` };
      },
    };
  }
  return handlers;
}

/** Runs the spec; the result's status says how it went (a failed run has opened its ticket). */
export async function executeSpec(spec: automation.ExecutionSpec, deps: ExecuteDeps): Promise<RunResult> {
  const { options } = deps;
  const cap = options.maxBackoffMs;
  return runSpec(spec, {
    handlers: buildHandlers(deps),
    registry: deps.registry,
    ...(options.kbDir
      ? {
          kb: {
            root: options.kbDir,
            ...(options.kbUrl ? { baseUrl: options.kbUrl } : {}),
            ...(options.kbPagesUrl ? { pagesUrl: options.kbPagesUrl } : {}),
          },
        }
      : {}),
    secrets: deps.secrets,
    ...(deps.events ? { events: deps.events } : {}),
    eventSource: `/sites/${spec.site_id}/automation`,
    dryRun: options.dryRun,
    print: deps.print,
    ...(cap !== undefined
      ? { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, cap))) }
      : {}),
    logger: {
      debug: () => {},
      info: (_o, msg) => deps.onLog('info', msg ?? ''),
      warn: (_o, msg) => deps.onLog('warn', msg ?? ''),
      error: (_o, msg) => deps.onLog('error', msg ?? ''),
    },
  });
}
