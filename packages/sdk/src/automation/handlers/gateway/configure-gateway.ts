import { AutomationError } from '../../errors.js';
import { buildSnapshotName } from '../../kb/paths.js';
import type { ActionHandler } from '../../types.js';
import { createChirpStackForwarderConfigRenderer, type ForwarderConfigRenderer } from './forwarder-config.js';
import { createChirpStackGatewayRegistrar, type GatewayRegistrar } from './registrar.js';

/** Options of {@link createConfigureGatewayHandler}. */
export interface ConfigureGatewayHandlerOptions {
  /** Registers the gateway (default: `@fieldops/sdk/chirpstack`, loaded lazily). */
  registrar?: GatewayRegistrar;
  /** Renders the forwarder configuration (default: @fieldops/sdk/chirpstack's templates, loaded lazily). */
  renderer?: ForwarderConfigRenderer;
}

/** The `configure_gateway` handler interface. */
export type ConfigureGatewayHandler = ActionHandler<'configure_gateway'>;

/**
 * `configure_gateway`: registers (or updates) the gateway in the ChirpStack tenant and renders its
 * packet-forwarder configuration into the run bundle (`artifacts/<step>/…`) with a snapshot.
 */
export function createConfigureGatewayHandler(
  options: ConfigureGatewayHandlerOptions = {},
): ConfigureGatewayHandler {
  const renderer = options.renderer ?? createChirpStackForwarderConfigRenderer();
  return {
    describe(a, spec) {
      const gw = spec.targets.gateways.find((g) => g.gateway_id === a.gateway_id);
      return [
        `register gateway ${gw?.name ?? a.gateway_id} (${gw?.gateway_eui ?? '?'}) in ChirpStack ${a.chirpstack.target}, tenant ${a.chirpstack.tenant}`,
        `render the ${a.forwarder} configuration pointing at ${a.server_address}:${a.server_port ?? 1700}`,
      ];
    },
    async run(a, ctx) {
      const gateway = ctx.spec.targets.gateways.find((g) => g.gateway_id === a.gateway_id);
      if (!gateway) {
        throw new AutomationError('handler_failed', `gateway ${a.gateway_id} is not among targets.gateways`, {
          retryable: false,
        });
      }
      const stats = a.stats_interval_s ?? 30;
      const port = a.server_port ?? 1700;
      const files = await renderer.render({
        forwarder: a.forwarder,
        gateway,
        server_address: a.server_address,
        server_port: port,
        stats_interval_s: stats,
      });
      for (const [path, content] of Object.entries(files)) {
        ctx.artifact({
          name: `${ctx.stepId}/${path}`,
          content,
          media_type: path.endsWith('.json') ? 'application/json' : 'text/plain',
        });
      }
      ctx.snapshot({
        name: buildSnapshotName(ctx.stepId, 'forwarder'),
        title: `${a.forwarder} configuration of ${gateway.name}`,
        target: gateway.device_id,
        ...snapshotContent(files),
      });
      const token = await ctx.secrets.resolve(a.chirpstack.api_token_ref, { signal: ctx.signal });
      const registrar = options.registrar ?? createChirpStackGatewayRegistrar();
      ctx.log.info(
        `registering gateway ${gateway.gateway_eui} in tenant ${a.chirpstack.tenant} at ${a.chirpstack.target}`,
      );
      const { created, tenant_id } = await registrar.registerGateway(
        {
          target: a.chirpstack.target,
          apiToken: token,
          ...(a.chirpstack.tls !== undefined ? { tls: a.chirpstack.tls } : {}),
        },
        {
          tenant: a.chirpstack.tenant,
          gateway_eui: gateway.gateway_eui,
          name: gateway.name,
          stats_interval_s: stats,
          tags: { device_id: gateway.device_id, deployment_id: ctx.spec.deployment_id },
        },
        ctx.signal,
      );
      return {
        outputs: { gateway_eui: gateway.gateway_eui, tenant_id, created, files: Object.keys(files) },
        message: `gateway ${gateway.name} ${created ? 'registered' : 'updated'}; ${a.forwarder} configuration rendered`,
      };
    },
  };
}

// A JSON configuration is snapshotted as data (diffable field by field); anything else as text.
function snapshotContent(files: Record<string, string>) {
  const entries = Object.entries(files);
  if (entries.length === 1 && entries[0]![0].endsWith('.json')) {
    try {
      return { format: 'json' as const, content: JSON.parse(entries[0]![1]) as unknown };
    } catch {
      // SX1301 configurations may carry /* */ comments: keep them as text.
    }
  }
  const toml = entries.every(([p]) => p.endsWith('.toml'));
  return {
    format: toml ? ('toml' as const) : ('text' as const),
    content: entries.map(([, c]) => c).join('\n'),
  };
}
