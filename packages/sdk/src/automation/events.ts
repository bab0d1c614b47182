import type * as automation from '@fieldops/contracts/automation/v1';
import { buildEvent, type EventData } from '@fieldops/contracts/events/v1';
import { errorMessage } from './errors.js';
import type { Logger } from './logger.js';
import type { EventSink } from './types.js';

const TYPES = {
  running: 'io.fieldops.automation.run.started.v1',
  succeeded: 'io.fieldops.automation.run.succeeded.v1',
  failed: 'io.fieldops.automation.run.failed.v1',
  cancelled: 'io.fieldops.automation.run.cancelled.v1',
} as const;

/** The status that has a run event. */
export type EventfulStatus = keyof typeof TYPES;

/**
 * Builds the run event for `status`. The id is `<run id>.<status>`, so a re-emitted event is the same
 * event (CloudEvents dedup on source + id).
 */
export function buildRunEvent(
  record: automation.RunRecord,
  status: EventfulStatus,
  options: {
    source: string;
    time: string;
    failedStep?: string;
    message?: string;
    bundleUrl?: string;
    traceparent?: string;
  },
) {
  const data: EventData<(typeof TYPES)[EventfulStatus]> = {
    automation_run_id: record.automation_run_id,
    deployment_id: record.deployment_id,
    ...(record.site_id !== undefined ? { site_id: record.site_id } : {}),
    project: record.project,
    status: record.status,
    ...(options.failedStep !== undefined ? { failed_step: options.failedStep } : {}),
    ...(options.message !== undefined ? { message: options.message.slice(0, 4000) } : {}),
    ...(options.bundleUrl !== undefined ? { bundle_url: options.bundleUrl } : {}),
    ...(record.ticket_id !== undefined ? { ticket_id: record.ticket_id } : {}),
  };
  return buildEvent(TYPES[status], data, {
    source: options.source,
    id: `${record.automation_run_id}.${status === 'running' ? 'started' : status}`,
    time: options.time,
    subject: record.automation_run_id,
    ...(options.traceparent !== undefined ? { traceparent: options.traceparent } : {}),
  });
}

/** Hands an event to the sink; a sink failure is logged, never fails the run. */
export async function emitSafely(
  sink: EventSink | undefined,
  event: Parameters<EventSink['emit']>[0],
  logger: Logger,
) {
  if (!sink) return;
  try {
    await sink.emit(event);
  } catch (error) {
    logger.warn(
      { contract: 'events', version: 1, operation: 'emit', outcome: 'error', type: event.type },
      errorMessage(error),
    );
  }
}
