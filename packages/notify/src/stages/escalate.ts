import type { EscalationPolicy } from '../config.js';
import { createIdMaker } from '../ids.js';
import type { Incident } from '../model.js';
import type { AckInfo, AlertRecord, RandomSource } from '../types.js';
import type { Flush } from './flush-state.js';
import { type Change, NO_CHANGES, type Stage, type StageResult } from './stage.js';

// Declared in ../model.ts (the public data types); re-exported for the modules of this folder's users.
export type { Incident, PagedContact } from '../model.js';

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

/** What opens an incident: its id, the group and route it belongs to, its policy and its alerts. */
export interface IncidentOpening {
  id: string;
  group_key: string;
  route_id: string;
  policy: string | undefined;
  fingerprints: string[];
}

/**
 * The escalate stage: PagerDuty-style policies. Level i is notified `levels[i].delay` after level i-1
 * (level 0 after the route's first notification) while the incident is open; after the last level
 * the policy runs again `loops` times, then stops. Acknowledgement or resolution stops it.
 */
export class EscalateStage implements Stage<Flush, Flush> {
  readonly name = 'escalate' as const;
  private readonly incidents = new Map<string, Incident>();
  private readonly byCode = new Map<string, string>();

  constructor(
    private readonly policies: ReadonlyMap<string, EscalationPolicy>,
    private readonly random: RandomSource,
    /** Makes incident ids (`inc_…`). */
    private readonly newId: (prefix: string) => string = createIdMaker(random, () => Date.now()),
  ) {}

  /**
   * When the receiver is told (dedup decided so), opens an incident for the firing alerts that have
   * none in this episode (its escalation timer starts). Changes: the incident, the alerts (now carrying
   * the incident's id) and the escalation timer.
   */
  run(flush: Flush, now: number): StageResult<Flush> {
    const firing = flush.firing;
    if (!flush.nflog || !firing || firing.length === 0) return { changes: NO_CHANGES, next: flush };
    const fresh = firing.filter(
      (r) => !r.incident_id || this.incidents.get(r.incident_id)?.status === 'resolved',
    );
    if (fresh.length === 0) return { changes: NO_CHANGES, next: flush };
    const incident = this.build(
      {
        id: this.newId('inc'),
        group_key: flush.group.key,
        route_id: flush.route.id,
        policy: flush.route.escalation,
        fingerprints: fresh.map((r) => r.fingerprint),
      },
      now,
    );
    const changes: Change[] = [];
    const updated = new Map<string, AlertRecord>();
    for (const r of fresh) {
      const copy = { ...r, incident_id: incident.id };
      updated.set(r.fingerprint, copy);
      changes.push({ op: 'put', collection: 'alerts', key: r.fingerprint, doc: copy });
    }
    changes.push({ op: 'put', collection: 'incidents', key: incident.id, doc: incident });
    if (incident.next_at !== undefined)
      changes.push({ op: 'schedule', timer: `e:${incident.id}`, at: incident.next_at });
    return {
      changes,
      next: { ...flush, firing: firing.map((r) => updated.get(r.fingerprint) ?? r), incident },
    };
  }

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

  /** Opens (builds and holds) an incident for alerts notified for the first time. */
  open(input: IncidentOpening, now: number): Incident {
    const incident = this.build(input, now);
    this.restore(incident);
    return incident;
  }

  /** A new incident with a fresh ack code (not held yet: `restore` holds it). */
  build(input: IncidentOpening, now: number): Incident {
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
