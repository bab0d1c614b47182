import type { RunPageData } from '@fieldops/docusaurus-plugin-runs';
import Layout from '@theme/Layout';
import RunView from '@theme/RunView';
import type { ReactNode } from 'react';

/** Props of the run page (the route's `page` data module). */
export interface Props {
  readonly page: RunPageData;
}

/** One run with a full page: the run view in the site layout. */
export default function RunPage({ page }: Props): ReactNode {
  const { summary } = page;
  const title = summary.title ?? `Run ${summary.id}`;
  return (
    <Layout
      title={`${title} · ${summary.project}`}
      description={`Automation run ${summary.id}: ${summary.status}`}
    >
      <main className="container margin-vert--lg" data-testid="run-page" data-run-id={summary.id}>
        <RunView page={page} />
      </main>
    </Layout>
  );
}
