import type * as automation from '@fieldops/contracts/automation/v1';
import { checkPorts, type PortName } from '@fieldops/contracts/ports/v1';
import { AutomationError } from '../../errors.js';
import type { ComposeStack } from './templates.js';

/** One port a stack publishes on the host. */
export interface PublishedPort {
  /** The baseline port it is checked as. */
  name: PortName;
  port: number;
  protocol: 'udp' | 'tcp';
}

/** The ports each stack publishes, by the name its compose template uses. */
export const STACK_PORTS: Record<ComposeStack, Record<string, PublishedPort>> = {
  chirpstack: {
    gateway_bridge: { name: 'chirpstack_gateway_bridge', port: 1700, protocol: 'udp' },
    api: { name: 'chirpstack_api', port: 8080, protocol: 'tcp' },
    mqtt: { name: 'chirpstack_mqtt', port: 1883, protocol: 'tcp' },
  },
  rfid: { http: { name: 'rfid_backend_http', port: 8000, protocol: 'tcp' } },
  crm: { http: { name: 'central_ops_https', port: 8090, protocol: 'tcp' } },
};

/** Stacks whose ports belong on the site LAN: publishing them on 0.0.0.0 needs an explicit opt-in. */
const SITE_LAN_STACKS: readonly ComposeStack[] = ['chirpstack', 'rfid'];

/**
 * The compose `ports:` entries of a stack (`"10.0.0.5:1700:1700/udp"`), bound to the action's
 * `lan_address` and checked with `checkPorts`. A site stack without a LAN address is refused unless
 * `publish_on_all_interfaces` says so: ChirpStack's 1700/udp, 8080 and 1883 are site-LAN ports.
 */
export function buildPortBindings(
  action: automation.ActionOf<'deploy_compose_stack'>,
): Record<string, string> {
  const ports = STACK_PORTS[action.stack];
  const lan = action.lan_address;
  if (lan === undefined && !action.publish_on_all_interfaces && SITE_LAN_STACKS.includes(action.stack)) {
    const list = Object.values(ports)
      .map((p) => `${p.port}/${p.protocol}`)
      .join(', ');
    throw new AutomationError(
      'handler_failed',
      `step ${action.id}: the ${action.stack} stack publishes ${list}, which belong on the site LAN: set \`lan_address\` (the site's LAN address) or \`publish_on_all_interfaces: true\``,
      { retryable: false },
    );
  }
  const address = lan ?? '0.0.0.0';
  const problems = checkPorts(
    Object.values(ports).map((p) => ({ name: p.name, address, port: p.port, protocol: p.protocol })),
  );
  if (problems.length > 0) {
    throw new AutomationError(
      'handler_failed',
      `step ${action.id}: published ports break the ports baseline: ${problems.join('; ')}`,
      { retryable: false },
    );
  }
  const host = address.includes(':') ? `[${address}]` : address;
  const out: Record<string, string> = {};
  for (const [key, p] of Object.entries(ports)) {
    out[key] = `${host}:${p.port}:${p.port}${p.protocol === 'udp' ? '/udp' : ''}`;
  }
  return out;
}
