import Link from '@docusaurus/Link';
import type { ArchivedIndexData } from '@fieldops/docusaurus-plugin-runs';
import Layout from '@theme/Layout';
import type { ReactNode } from 'react';
import styles from './styles.module.css';

/** Props of a page of a project's archived-runs index (the route's `page` data module). */
export interface Props {
  readonly page: ArchivedIndexData;
}

/**
 * Each archived run of a project as one line: status, title and id, linked to the archive view.
 * This is the page the local search indexes for archived runs (the run list pages are not indexed),
 * so its markup stays small.
 */
export default function RunsArchivedIndexPage({ page }: Props): ReactNode {
  const { pagination } = page;
  const pager =
    pagination.pageCount > 1 ? (
      <nav aria-label="Pages of archived runs" data-testid="archived-index-pager">
        {pagination.prev ? <Link to={pagination.prev}>← newer</Link> : null} Page {pagination.page} of{' '}
        {pagination.pageCount} {pagination.next ? <Link to={pagination.next}>older →</Link> : null}
      </nav>
    ) : null;
  return (
    <Layout
      title={`Archived runs · ${page.project}`}
      description={`Archived automation runs of ${page.project}`}
    >
      <main className="container margin-vert--lg" data-testid="archived-index">
        <h1>Archived runs of {page.project}</h1>
        <p>
          {page.total} archived runs: status, title and id. Their dates, steps and logs are in{' '}
          <Link to={page.projectPermalink}>the run list</Link> and on each run's page.
        </p>
        {pager}
        <ul className={styles.runs}>
          {page.runs.map((r) => (
            <li key={r.id} data-testid="archived-index-row" data-status={r.status}>
              {r.status} <Link to={r.permalink}>{r.title ?? r.id}</Link>
              {r.title ? <> {r.id}</> : null}
            </li>
          ))}
        </ul>
        {pager}
      </main>
    </Layout>
  );
}
