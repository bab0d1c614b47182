import type { ActionHandlers } from '../types.js';
import {
  createDeployComposeStackHandler,
  type DeployComposeStackHandlerOptions,
} from './compose/deploy-compose-stack.js';
import {
  type ConfigureGatewayHandlerOptions,
  createConfigureGatewayHandler,
} from './gateway/configure-gateway.js';
import { createSpecGatewayStateReader } from './gateway/state-reader.js';
import {
  createRunHealthChecksHandler,
  type RunHealthChecksHandlerOptions,
} from './health/run-health-checks.js';
import { createOpenTicketHandler } from './open-ticket.js';
import { createProvisionVmHandler, type ProvisionVmHandlerOptions } from './proxmox/provision-vm.js';

/** Options of each default handler. */
export interface DefaultHandlersOptions {
  provisionVm?: ProvisionVmHandlerOptions;
  compose?: DeployComposeStackHandlerOptions;
  gateway?: ConfigureGatewayHandlerOptions;
  health?: RunHealthChecksHandlerOptions;
}

/** One built-in handler per action kind. */
export function createDefaultHandlers(options: DefaultHandlersOptions = {}): Required<ActionHandlers> {
  return {
    provision_vm: createProvisionVmHandler(options.provisionVm),
    deploy_compose_stack: createDeployComposeStackHandler(options.compose),
    configure_gateway: createConfigureGatewayHandler(options.gateway),
    run_health_checks: createRunHealthChecksHandler({
      gateways: createSpecGatewayStateReader(options.gateway?.registrar),
      ...options.health,
    }),
    open_ticket_on_failure: createOpenTicketHandler(),
  };
}
