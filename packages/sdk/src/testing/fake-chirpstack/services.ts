import { applicationService } from './applications.js';
import { deviceProfileService } from './device-profiles.js';
import { deviceService } from './devices.js';
import { gatewayService } from './gateways.js';
import type { ServiceHandlers } from './handler.js';
import { integrationHandlers } from './integrations.js';
import { internalService } from './internal.js';
import { tenantService } from './tenants.js';

// The fake's services, one file each; server.ts adds auth, faults, latency and counters.

/** Every handler of the fake, by service name. */
export function buildHandlers(): Record<string, ServiceHandlers> {
  return {
    TenantService: tenantService(),
    ApplicationService: { ...applicationService(), ...integrationHandlers() },
    DeviceProfileService: deviceProfileService(),
    DeviceService: deviceService(),
    GatewayService: gatewayService(),
    InternalService: internalService(),
  };
}
