import Link from '@docusaurus/Link';
import type { LogRoutePageData } from '@fieldops/docusaurus-plugin-runs';
import Layout from '@theme/Layout';
import RunLogViewer from '@theme/RunLogViewer';
import RunStatusBadge from '@theme/RunStatusBadge';
import type { ReactNode } from 'react';

/** Props of a log page beyond the first (the route's `page` data module). */
export interface Props {
  readonly page: LogRoutePageData;
}

/** Page 2+ of a long log, with a link back to its run. */
export default function RunLogPage({ page }: Props): ReactNode {
  const { run, log } = page;
  return (
    <Layout
      title={`${log.path} page ${log.page} · ${run.id}`}
      description={`Log of automation run ${run.id}`}
    >
      <main className="container margin-vert--lg" data-testid="run-log-page">
        <nav>
          <Link to={page.runPermalink}>{run.title ?? run.id}</Link> <RunStatusBadge status={run.status} />
        </nav>
        <h1>
          {log.path} — page {log.page} of {log.pageCount}
        </h1>
        <RunLogViewer log={log} />
      </main>
    </Layout>
  );
}
