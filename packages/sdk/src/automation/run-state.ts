import type * as automation from '@fieldops/contracts/automation/v1';
import type { Clock } from '@fieldops/core';

/**
 * The run record and the changes not yet written back. The record is the single source: the
 * registry gets the delta, the bundle gets the whole record.
 */
export class RunState {
  readonly record: automation.RunRecord;
  #pending: automation.RunUpdate = {};
  readonly #clock: Clock;

  constructor(record: automation.RunRecord, clock: Clock) {
    this.record = record;
    this.#clock = clock;
  }

  /** The current time as an RFC 3339 string. */
  stamp(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  /** Appends a timeline entry. */
  timeline(entry: Omit<automation.TimelineEntry, 'at'> & { at?: string }): automation.TimelineEntry {
    const full: automation.TimelineEntry = {
      at: entry.at ?? this.stamp(),
      ...entry,
    } as automation.TimelineEntry;
    this.record.timeline.push(full);
    const pending = this.#pending.timeline ?? [];
    pending.push(full);
    this.#pending.timeline = pending;
    return full;
  }

  /** Changes the run's own fields. */
  setRun(
    fields: Pick<automation.RunUpdate, 'status' | 'started_at' | 'finished_at' | 'duration_ms' | 'ticket_id'>,
  ): void {
    Object.assign(this.record, fields);
    Object.assign(this.#pending, fields);
  }

  /** The step result of `stepId`. */
  step(stepId: string): automation.StepResult {
    const step = this.record.steps.find((s) => s.step_id === stepId);
    if (!step) throw new Error(`@fieldops/sdk/automation: unknown step ${stepId}`);
    return step;
  }

  /** Changes a step result. */
  setStep(stepId: string, fields: Partial<automation.StepResult>): automation.StepResult {
    const step = this.step(stepId);
    Object.assign(step, fields);
    this.#pending.steps ??= [];
    const pending = this.#pending.steps;
    const i = pending.findIndex((s) => s.step_id === stepId);
    if (i === -1) pending.push(step);
    else pending[i] = step;
    return step;
  }

  /** Adds a link. */
  link(link: automation.RunLink): void {
    this.record.links.push(link);
    const pending = this.#pending.links ?? [];
    pending.push(link);
    this.#pending.links = pending;
  }

  /** The changes since the last call, as a RunUpdate (step results copied). */
  takeUpdate(): automation.RunUpdate {
    const update = this.#pending;
    this.#pending = {};
    if (update.steps) update.steps = update.steps.map((s) => structuredClone(s));
    return update;
  }
}
