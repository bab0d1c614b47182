import type { Secret } from '@fieldops/core/secrets';
import { AutomationError } from '../../errors.js';

/** Where and how to reach a ChirpStack instance. */
export interface ChirpStackTarget {
  /** `host:port` of the gRPC API. */
  target: string;
  apiToken: Secret;
  tls?: boolean;
}

/** What a gateway is registered with. */
export interface GatewayRegistration {
  /** Tenant name (looked up) in the spec; the registrar finds its id. */
  tenant: string;
  gateway_eui: string;
  name: string;
  description?: string;
  stats_interval_s: number;
  tags?: Record<string, string>;
}

/** Registers gateways in ChirpStack and reads their state. Scripts replace it to use another client. */
export interface GatewayRegistrar {
  /** Creates the gateway, or updates it when it exists. */
  registerGateway(
    chirpstack: ChirpStackTarget,
    gateway: GatewayRegistration,
    signal?: AbortSignal,
  ): Promise<{ created: boolean; tenant_id: string }>;
  /** The gateway's state. */
  gatewayState(
    chirpstack: ChirpStackTarget,
    gatewayEui: string,
  ): Promise<'online' | 'offline' | 'never_seen'>;
}

// The shape of `@fieldops/sdk/chirpstack` this adapter relies on, declared here so the automation
// entry never imports the protobuf code statically.
interface ChirpStackLike {
  listTenants(options?: { search?: string }): AsyncIterable<{ id: string; name: string }>;
  createGateway(g: GatewayInputLike): Promise<void>;
  updateGateway(g: GatewayInputLike): Promise<void>;
  getGateway(id: string): Promise<{ tenant_id: string }>;
  listGateways(
    tenantId: string,
    options?: { search?: string },
  ): AsyncIterable<{ gateway_id: string; state: string }>;
  close?: () => void;
}
interface GatewayInputLike {
  gateway_id: string;
  tenant_id: string;
  name: string;
  description?: string;
  stats_interval_s?: number;
  tags?: Record<string, string>;
}
interface ChirpStackModule {
  createChirpStackClient?: (options: Record<string, unknown>) => ChirpStackLike;
}

async function loadClient(chirpstack: ChirpStackTarget): Promise<ChirpStackLike> {
  let mod: ChirpStackModule;
  try {
    mod = (await import('../../../chirpstack/index.js')) as unknown as ChirpStackModule;
  } catch (cause) {
    throw new AutomationError('gateway_client_unavailable', 'cannot load @fieldops/sdk/chirpstack', {
      cause,
      retryable: false,
    });
  }
  if (typeof mod.createChirpStackClient !== 'function') {
    throw new AutomationError(
      'gateway_client_unavailable',
      '@fieldops/sdk/chirpstack has no createChirpStackClient',
      { retryable: false },
    );
  }
  return mod.createChirpStackClient({
    target: chirpstack.target,
    apiToken: chirpstack.apiToken,
    ...(chirpstack.tls !== undefined ? { tls: chirpstack.tls } : {}),
  });
}

function isCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}

/**
 * A create that met an existing gateway. ChirpStack 4.19 answers a duplicate key with INTERNAL
 * "duplicate key value violates unique constraint" (never ALREADY_EXISTS: its storage/error.rs maps
 * only NotFound out of database errors); ALREADY_EXISTS is accepted for other servers.
 */
function isDuplicate(error: unknown): boolean {
  if (isCode(error, 'already_exists') || isCode(error, 'ALREADY_EXISTS')) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return (
    isCode(error, 'internal') &&
    typeof message === 'string' &&
    /duplicate key value violates unique constraint/i.test(message)
  );
}

/**
 * The default registrar over `@fieldops/sdk/chirpstack`, loaded on first use with a dynamic import so
 * the root and automation entries stay free of protobuf.
 */
export function createChirpStackGatewayRegistrar(): GatewayRegistrar {
  return {
    async registerGateway(chirpstack, gateway) {
      const client = await loadClient(chirpstack);
      try {
        let tenantId: string | undefined;
        for await (const t of client.listTenants({ search: gateway.tenant })) {
          if (t.name === gateway.tenant) {
            tenantId = t.id;
            break;
          }
        }
        if (!tenantId) {
          throw new AutomationError(
            'handler_failed',
            `ChirpStack tenant ${JSON.stringify(gateway.tenant)} not found`,
            { retryable: false },
          );
        }
        const body = {
          gateway_id: gateway.gateway_eui,
          tenant_id: tenantId,
          name: gateway.name,
          description: gateway.description ?? '',
          stats_interval_s: gateway.stats_interval_s,
          ...(gateway.tags ? { tags: gateway.tags } : {}),
        };
        try {
          await client.createGateway(body);
          return { created: true, tenant_id: tenantId };
        } catch (error) {
          if (!isDuplicate(error) || !client.updateGateway) throw error;
          // ChirpStack's Update ignores tenant_id: a gateway of another tenant cannot be taken over.
          const { tenant_id: owner } = await client.getGateway(gateway.gateway_eui);
          if (owner !== tenantId)
            throw new AutomationError(
              'handler_failed',
              `ChirpStack gateway ${gateway.gateway_eui} belongs to another tenant (${owner}); delete it there first`,
              { retryable: false },
            );
          await client.updateGateway(body);
          return { created: false, tenant_id: tenantId };
        }
      } finally {
        client.close?.();
      }
    },
    async gatewayState(chirpstack, gatewayEui) {
      const client = await loadClient(chirpstack);
      try {
        // The state lives on the list item (ChirpStack computes it from last seen and the stats interval).
        const { tenant_id } = await client.getGateway(gatewayEui);
        for await (const g of client.listGateways(tenant_id)) {
          if (g.gateway_id.toLowerCase() === gatewayEui.toLowerCase()) {
            return g.state === 'online' || g.state === 'offline' ? g.state : 'never_seen';
          }
        }
        return 'never_seen';
      } finally {
        client.close?.();
      }
    },
  };
}
