import Head from '@docusaurus/Head';
import Link from '@docusaurus/Link';
import { useLocation } from '@docusaurus/router';
import type { RunListData, RunStatus } from '@fieldops/docusaurus-plugin-runs';
import Layout from '@theme/Layout';
import RunStatusBadge from '@theme/RunStatusBadge';
import { formatDuration, formatTime } from '@theme/RunsFormat';
import { type ReactNode, useEffect, useState } from 'react';
import styles from './styles.module.css';

/** Props of a project's run list (the route's `page` data module). */
export interface Props {
  readonly page: RunListData;
}

type Shown =
  | { kind: 'ready'; page: RunListData }
  | { kind: 'loading' | 'error'; n: number; message?: string };

/** The page number of `?page=n` when it is a later page of this list (2…pageCount), else 1. */
function pageNumberOf(search: string, pageCount: number): number {
  const n = Number(new URLSearchParams(search).get('page') ?? '1');
  return Number.isInteger(n) && n >= 2 && n <= pageCount ? n : 1;
}

/**
 * One page of a project's runs by date (full pages and archived runs), a status filter and page links.
 * Page 1 is pre-rendered; a later page (`?page=n`) is loaded in the browser from its JSON.
 * Not indexed by search (`robots: noindex`): runs are found through their own pages, archived runs
 * through the archived-runs index, whose rows hold only id, title and status.
 */
export default function RunsListPage({ page: first }: Props): ReactNode {
  const [filter, setFilter] = useState<RunStatus | 'all'>('all');
  const [shown, setShown] = useState<Shown>({ kind: 'ready', page: first });
  const { search } = useLocation();
  useEffect(() => {
    const n = pageNumberOf(search, first.pagination.pageCount);
    if (n === 1 || !first.pageData) {
      setShown({ kind: 'ready', page: first });
      return;
    }
    let live = true;
    setShown({ kind: 'loading', n });
    fetch(`${first.pageData}/${n}.json`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`page ${n}: HTTP ${res.status}`);
        return (await res.json()) as RunListData;
      })
      .then(
        (data) => live && setShown({ kind: 'ready', page: data }),
        (error: Error) => live && setShown({ kind: 'error', n, message: error.message }),
      );
    return () => {
      live = false;
    };
  }, [search, first]);
  if (shown.kind !== 'ready') {
    return (
      <Layout title={`Runs · ${first.project}`} description={`Automation runs of ${first.project}`}>
        <Head>
          <meta name="robots" content="noindex" />
        </Head>
        <main className="container margin-vert--lg" data-testid="run-list" data-state={shown.kind}>
          <h1>{first.project}</h1>
          <p data-testid="run-list-status">
            {shown.kind === 'loading' ? `Loading page ${shown.n}…` : shown.message} ·{' '}
            <Link to={first.pagination.first}>page 1</Link>
          </p>
        </main>
      </Layout>
    );
  }
  const { page } = shown;
  const { pagination } = page;
  const pager =
    pagination.pageCount > 1 ? (
      <nav className={styles.pager} aria-label="Pages of runs" data-testid="run-list-pager">
        {pagination.prev ? <Link to={pagination.prev}>← newer</Link> : null} Page {pagination.page} of{' '}
        {pagination.pageCount} {pagination.next ? <Link to={pagination.next}>older →</Link> : null}
      </nav>
    ) : null;
  return (
    <Layout title={`Runs · ${page.project}`} description={`Automation runs of ${page.project}`}>
      <Head>
        <meta name="robots" content="noindex" />
      </Head>
      <main
        className="container margin-vert--lg"
        data-testid="run-list"
        data-state="ready"
        data-page={pagination.page}
      >
        <nav className={styles.crumbs}>
          <Link to={page.projectsPermalink}>All projects</Link>
          {page.archivedIndex ? (
            <>
              {' · '}
              <Link to={page.archivedIndex}>Archived runs (id, title, status)</Link>
            </>
          ) : null}
        </nav>
        <h1>{page.project}</h1>
        <p>{page.total} runs</p>
        {pager}
        <fieldset className={styles.filter}>
          <legend>Status</legend>
          {(['all', ...page.statuses] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={`button button--sm ${filter === s ? 'button--primary' : 'button--secondary'}`}
              aria-pressed={filter === s}
              data-filter={s}
              onClick={() => setFilter(s)}
            >
              {s}
            </button>
          ))}
        </fieldset>
        {page.days.map((day) => {
          const runs = day.runs.filter((r) => filter === 'all' || r.status === filter);
          if (runs.length === 0) return null;
          return (
            <section key={day.date}>
              <h2 className={styles.day}>{day.date}</h2>
              <table className={styles.runs}>
                <thead>
                  <tr>
                    <th>Status</th>
                    <th>Run</th>
                    <th>Deployment</th>
                    <th>Started</th>
                    <th>Duration</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.map((r) => (
                    <tr
                      key={r.id}
                      data-testid="run-row"
                      data-status={r.status}
                      data-archived={r.archived ? 'true' : undefined}
                    >
                      <td>
                        <RunStatusBadge status={r.status} />
                      </td>
                      <td>
                        <Link to={r.permalink}>{r.title ?? r.id}</Link>
                        {r.archived ? <span className={styles.archived}> (archived)</span> : null}
                        {r.title ? <div className={styles.id}>{r.id}</div> : null}
                        {r.failed_step ? (
                          <div className={styles.failed}>failed at {r.failed_step}</div>
                        ) : null}
                      </td>
                      <td>
                        <code>{r.deployment_id}</code>
                      </td>
                      <td>{formatTime(r.started_at)}</td>
                      <td>{formatDuration(r.duration_ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          );
        })}
        {pager}
      </main>
    </Layout>
  );
}
