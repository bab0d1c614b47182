import type { EscalationPolicy } from '../config.js';
import type { AckInfo, ChannelAddress, RandomSource } from '../types.js';

/** A contact a page of an incident reached, and the address (channel) that reached them last. */
export interface PagedContact {
  receiver: string;
  contact: string;
  address: ChannelAddress;
}

/** An incident: the alerts first notified together, acknowledged together with one code. */
export interface Incident {
  id: string;
  ack_code: string;
  group_key: string;
  route_id: string;
  policy: string | undefined;
  fingerprints: string[];
  status: 'open' | 'acknowledged' | 'resolved';
  opened_at: number;
  /** The escalation level notified next. */
  level: number;
  /** Completed passes through the levels. */
  loop: number;
  /** When the next level is due (ms); absent when nothing is pending. */
  next_at?: number;
  acked?: AckInfo;
  /** Addresses (`whatsapp:66811111111`) a message carrying this incident's code was sent to. */
  notified?: string[];
  /** Every contact a page of this incident reached (one entry per receiver + contact). */
  paged?: PagedContact[];
  /** Notices already queued, as `<event>:<receiver>/<contact>`: each is sent once. */
  notices?: string[];
}

// No 0/O, 1/I/L: codes are read off a phone screen and typed back.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A short acknowledgement code such as `K7Q2MX`. */
export function buildAckCode(random: RandomSource, length = 6): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return out;
}

/** What is due for an incident at one escalation step. */
export interface EscalationStep {
  level: number;
  loop: number;
  receivers: string[];
}

/**
 * The escalate stage: PagerDuty-style policies. Level i is notified `levels[i].delay` after level i-1
 * (level 0 after the route's first notification) while the incident is open; after the last level
 * the policy runs again `loops` times, then stops. Acknowledgement or resolution stops it.
 */
export class EscalateStage {
  private readonly incidents = new Map<string, Incident>();
  private readonly byCode = new Map<string, string>();

  constructor(
    private readonly policies: ReadonlyMap<string, EscalationPolicy>,
    private readonly random: RandomSource,
  ) {}

  /** An incident by id. */
  get(id: string): Incident | undefined {
    return this.incidents.get(id);
  }

  /** An incident by acknowledgement code (case-insensitive). */
  byAckCode(code: string): Incident | undefined {
    const id = this.byCode.get(code.trim().toUpperCase());
    return id === undefined ? undefined : this.incidents.get(id);
  }

  /** Every incident. */
  all(): IterableIterator<Incident> {
    return this.incidents.values();
  }

  /** Opens an incident for alerts notified for the first time. */
  open(
    input: {
      id: string;
      group_key: string;
      route_id: string;
      policy: string | undefined;
      fingerprints: string[];
    },
    now: number,
  ): Incident {
    let code = buildAckCode(this.random);
    while (this.byCode.has(code)) code = buildAckCode(this.random);
    const policy = input.policy ? this.policies.get(input.policy) : undefined;
    const first = policy?.levels[0];
    const incident: Incident = {
      ...input,
      ack_code: code,
      status: 'open',
      opened_at: now,
      level: 0,
      loop: 0,
      ...(first ? { next_at: now + first.delay } : {}),
    };
    this.restore(incident);
    return incident;
  }

  /** Restores a persisted incident. */
  restore(incident: Incident): void {
    this.incidents.set(incident.id, incident);
    this.byCode.set(incident.ack_code, incident.id);
  }

  /** Takes the step due now and moves the incident to the next one (or to none: `next_at` removed). */
  advance(incident: Incident, now: number): EscalationStep | undefined {
    const policy = incident.policy ? this.policies.get(incident.policy) : undefined;
    const level = policy?.levels[incident.level];
    if (!policy || !level || incident.status !== 'open') {
      delete incident.next_at;
      return undefined;
    }
    const step = { level: incident.level, loop: incident.loop, receivers: level.receivers };
    incident.level++;
    if (incident.level >= policy.levels.length && incident.loop < policy.loops) {
      incident.level = 0;
      incident.loop++;
    }
    const next = policy.levels[incident.level];
    if (next && incident.level < policy.levels.length) incident.next_at = now + next.delay;
    else delete incident.next_at;
    return step;
  }

  /** Marks an incident acknowledged; nothing stays pending. */
  acknowledge(incident: Incident, ack: AckInfo): void {
    incident.status = 'acknowledged';
    incident.acked = ack;
    delete incident.next_at;
  }

  /** Marks an incident resolved; nothing stays pending. */
  resolve(incident: Incident): void {
    incident.status = 'resolved';
    delete incident.next_at;
  }

  /** Forgets an incident. */
  delete(id: string): void {
    const i = this.incidents.get(id);
    if (!i) return;
    this.incidents.delete(id);
    if (this.byCode.get(i.ack_code) === id) this.byCode.delete(i.ack_code);
  }
}
