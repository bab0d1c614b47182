import type { RetentionOptions } from '../options.js';

/** What retention needs to know of a run (read from `run.json` alone). */
export interface RunHead {
  key: string;
  project: string;
  deployment: string;
  /** ISO time used for ordering (started, else queued). */
  time: string;
  id: string;
  status: string;
  hasPostmortem: boolean;
  hasTicket: boolean;
}

/** Newest first; ties broken by id, the order run lists use. */
export function compareHeadsNewestFirst(a: RunHead, b: RunHead): number {
  const t = Date.parse(b.time) - Date.parse(a.time);
  if (t !== 0) return t;
  return a.id < b.id ? 1 : -1;
}

/**
 * The keys of the runs that get full pages: the newest `lastPerProject` of each project, failed
 * runs, runs with a postmortem or a ticket, and then the previous run (same deployment) of each of
 * those. Pure: the same heads and options give the same set.
 */
export function selectFullPageRuns(heads: readonly RunHead[], retention: RetentionOptions): Set<string> {
  if (!retention.enabled) return new Set(heads.map((h) => h.key));
  const sorted = [...heads].sort(compareHeadsNewestFirst);
  const kept = new Set<string>();
  const perProject = new Map<string, number>();
  for (const h of sorted) {
    const n = perProject.get(h.project) ?? 0;
    perProject.set(h.project, n + 1);
    if (
      n < retention.lastPerProject ||
      (retention.failed && h.status === 'failed') ||
      (retention.withPostmortem && h.hasPostmortem) ||
      (retention.withTicket && h.hasTicket)
    ) {
      kept.add(h.key);
    }
  }
  if (retention.previousOfKept) {
    // Each deployment's runs oldest first: the previous run of a kept run is the one before it.
    const byDeployment = new Map<string, RunHead[]>();
    for (const h of [...sorted].reverse()) {
      const list = byDeployment.get(h.deployment) ?? [];
      list.push(h);
      byDeployment.set(h.deployment, list);
    }
    const previous: string[] = [];
    for (const list of byDeployment.values()) {
      list.forEach((h, i) => {
        if (i > 0 && kept.has(h.key)) previous.push((list[i - 1] as RunHead).key);
      });
    }
    for (const k of previous) kept.add(k);
  }
  return kept;
}
