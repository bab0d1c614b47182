// Who was notified for an incident: an acknowledgement by reply is accepted only from them, and they
// are the ones told when it is acknowledged or resolved.
import { normalizePhone } from '../channels/whatsapp/window.js';
import type { DeliveryJob } from '../stages/deliver.js';
import type { Incident } from '../stages/escalate.js';
import type { ChannelAddress } from '../types.js';
import type { EngineContext } from './context.js';

/** A comparable form of an address: `whatsapp:66811111111`, `email:somchai@example.test`. */
export function addressKey(address: ChannelAddress): string {
  const to = address.channel === 'whatsapp' ? normalizePhone(address.to) : address.to.trim().toLowerCase();
  return `${address.channel}:${to}`;
}

/**
 * Records the job's current address as notified for every incident whose code the message carried,
 * and its contact as paged (on that address); returns the incidents that changed.
 */
export async function recordNotified(s: EngineContext, job: DeliveryJob): Promise<Incident[]> {
  const address = job.chain[job.step];
  if (!address) return [];
  const key = addressKey(address);
  const changed: Incident[] = [];
  for (const code of job.notification.ack_codes) {
    const incident = s.escalateStage.byAckCode(code);
    if (!incident) continue;
    let dirty = false;
    if (!incident.notified?.includes(key)) {
      incident.notified = [...(incident.notified ?? []), key];
      dirty = true;
    }
    const paged = incident.paged ?? [];
    const i = paged.findIndex((p) => p.receiver === job.receiver && p.contact === job.contact);
    const prev = i >= 0 ? paged[i] : undefined;
    if (!prev || addressKey(prev.address) !== key) {
      const entry = { receiver: job.receiver, contact: job.contact, address: { ...address } };
      incident.paged = i >= 0 ? paged.map((p, j) => (j === i ? entry : p)) : [...paged, entry];
      dirty = true;
    }
    if (!dirty) continue;
    changed.push(incident);
    await s.store.put('incidents', incident.id, incident);
  }
  return changed;
}
