import type { GatewayStateReader } from '../health/run-health-checks.js';
import { createChirpStackGatewayRegistrar, type GatewayRegistrar } from './registrar.js';

/**
 * Reads a gateway's state from the ChirpStack named by the spec's `configure_gateway` step for that
 * gateway (or the first one), with that step's API token.
 */
export function createSpecGatewayStateReader(
  registrar: GatewayRegistrar = createChirpStackGatewayRegistrar(),
): GatewayStateReader {
  return {
    async gatewayState(gatewayEui, ctx) {
      const eui = gatewayEui.toLowerCase();
      const gw = ctx.spec.targets.gateways.find((g) => g.gateway_eui === eui);
      const steps = ctx.spec.actions.filter((a) => a.kind === 'configure_gateway');
      const step = steps.find((a) => a.gateway_id === gw?.gateway_id) ?? steps[0];
      if (!step) throw new Error('no configure_gateway step names a ChirpStack to ask');
      const token = await ctx.secrets.resolve(step.chirpstack.api_token_ref, { signal: ctx.signal });
      return registrar.gatewayState(
        {
          target: step.chirpstack.target,
          apiToken: token,
          ...(step.chirpstack.tls !== undefined ? { tls: step.chirpstack.tls } : {}),
        },
        eui,
      );
    },
  };
}
