// Who was notified for an incident: an acknowledgement by reply is accepted only from them.
import { normalizePhone } from '../channels/whatsapp/window.js';
import type { DeliveryJob } from '../stages/deliver.js';
import type { ChannelAddress } from '../types.js';
import type { EngineContext } from './context.js';

/** A comparable form of an address: `whatsapp:66811111111`, `email:somchai@example.test`. */
export function addressKey(address: ChannelAddress): string {
  const to = address.channel === 'whatsapp' ? normalizePhone(address.to) : address.to.trim().toLowerCase();
  return `${address.channel}:${to}`;
}

/** Records the job's current address as notified for every incident whose code the message carried. */
export async function recordNotified(s: EngineContext, job: DeliveryJob): Promise<void> {
  const address = job.chain[job.step];
  if (!address) return;
  const key = addressKey(address);
  for (const code of job.notification.ack_codes) {
    const incident = s.escalateStage.byAckCode(code);
    if (!incident) continue;
    if (incident.notified?.includes(key)) continue;
    incident.notified = [...(incident.notified ?? []), key];
    await s.store.put('incidents', incident.id, incident);
  }
}
