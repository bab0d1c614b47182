import type { CloudEvent, EventData } from '@fieldops/contracts/events/v1';
import { type AlertDraft, baseLabels, eventTime, type SourceAdapters, withLabels } from './source.js';

const FAILED = 'io.fieldops.automation.run.failed.v1';

// One alert per deployment: a later successful run of the same deployment resolves it.
function run(event: CloudEvent, status: 'firing' | 'resolved'): AlertDraft {
  const d = event.data as EventData<typeof FAILED>;
  return {
    labels: withLabels(baseLabels('AutomationRunFailed', FAILED, d.site_id), {
      deployment_id: d.deployment_id,
      project: d.project,
    }),
    annotations: withLabels(
      {
        summary:
          status === 'firing'
            ? `Automation run ${d.automation_run_id} failed${d.failed_step ? ` at ${d.failed_step}` : ''}`
            : `Automation run ${d.automation_run_id} succeeded`,
        automation_run_id: d.automation_run_id,
      },
      {
        failed_step: d.failed_step,
        description: d.message,
        bundle_url: d.bundle_url,
        ticket_id: d.ticket_id,
      },
    ),
    severity: 'warning',
    status,
    starts_at: eventTime(event),
  };
}

/** Automation runs: failed fires, succeeded resolves; started and cancelled notify nobody. */
export const AUTOMATION_SOURCES: SourceAdapters = {
  [FAILED]: (e) => run(e, 'firing'),
  'io.fieldops.automation.run.succeeded.v1': (e) => run(e, 'resolved'),
  'io.fieldops.automation.run.started.v1': () => null,
  'io.fieldops.automation.run.cancelled.v1': () => null,
};
