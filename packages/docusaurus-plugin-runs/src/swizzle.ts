import type { SwizzleConfig } from '@docusaurus/types';

/**
 * What `docusaurus swizzle` may do with each theme component. The building blocks have small, stable
 * props (safe to wrap and to eject); the page components are safe to wrap, and ejecting them copies
 * more markup that will drift from the plugin's.
 */
export function getSwizzleConfig(): SwizzleConfig {
  const block = (description: string) => ({ actions: { wrap: 'safe', eject: 'safe' }, description }) as const;
  const page = (description: string) =>
    ({ actions: { wrap: 'safe', eject: 'unsafe' }, description }) as const;
  return {
    components: {
      RunTimeline: block('One bar per step on the run time axis, and the status changes'),
      RunLogViewer: block('One page of an NDJSON log with ANSI colours and page links'),
      RunSnapshotDiff: block('A configuration snapshot with its diff to the previous run'),
      RunStatusBadge: block('A run or step status pill'),
      RunsFormat: block('Time, duration and size formatting helpers'),
      RunView: block('The content of one run, shared by the run page and the archive view'),
      RunArchivePage: page('An archived run, loaded from its static files in the browser'),
      RunPage: page('The page of one run'),
      RunsListPage: page("A project's runs by date, with a status filter"),
      RunsArchivedIndexPage: page(
        "A project's archived runs: id, title and status (the page search indexes)",
      ),
      RunsProjectsPage: page('The projects index'),
      RunLogPage: page('Pages 2+ of a long log'),
    },
  };
}
