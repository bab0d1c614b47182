import type { LoadedRun, RunSummary } from '../types.js';

/** When a run happened, for ordering: started, else queued. */
export function runTime(run: LoadedRun): string {
  return run.run.started_at ?? run.run.queued_at;
}

/** Newest first; ties broken by id so the order is stable. */
export function compareRunsNewestFirst(a: LoadedRun, b: LoadedRun): number {
  const t = Date.parse(runTime(b)) - Date.parse(runTime(a));
  if (t !== 0) return t;
  return a.run.automation_run_id < b.run.automation_run_id ? 1 : -1;
}

/** The fields a run list shows. */
export function buildRunSummary(run: LoadedRun, permalink: string): RunSummary {
  const r = run.run;
  const summary: RunSummary = {
    id: r.automation_run_id,
    project: run.project,
    date: run.date,
    status: r.status,
    deployment_id: r.deployment_id,
    has_postmortem: run.postmortem !== undefined,
    permalink,
  };
  const title = run.title ?? run.postmortem?.frontMatter.title;
  if (title !== undefined) summary.title = title;
  if (run.archived) summary.archived = true;
  if (r.started_at !== undefined) summary.started_at = r.started_at;
  if (r.finished_at !== undefined) summary.finished_at = r.finished_at;
  const duration =
    r.duration_ms ??
    (r.started_at && r.finished_at ? Date.parse(r.finished_at) - Date.parse(r.started_at) : undefined);
  if (duration !== undefined && duration >= 0) summary.duration_ms = duration;
  const failed = r.steps.find((s) => s.status === 'failed');
  if (failed) summary.failed_step = failed.step_id;
  return summary;
}
