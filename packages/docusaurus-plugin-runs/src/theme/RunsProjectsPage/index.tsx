import Link from '@docusaurus/Link';
import type { ProjectsIndexData } from '@fieldops/docusaurus-plugin-runs';
import Layout from '@theme/Layout';
import RunStatusBadge from '@theme/RunStatusBadge';
import { formatTime } from '@theme/RunsFormat';
import type { ReactNode } from 'react';
import styles from './styles.module.css';

/** Props of the projects index (the route's `page` data module). */
export interface Props {
  readonly page: ProjectsIndexData;
}

/** Every project with its run counts by status and its latest run. */
export default function RunsProjectsPage({ page }: Props): ReactNode {
  return (
    <Layout title={page.title} description="Automation runs by project">
      <main className="container margin-vert--lg" data-testid="runs-projects">
        <h1>{page.title}</h1>
        {page.projects.length === 0 ? <p>No run bundles yet.</p> : null}
        <div className={styles.grid}>
          {page.projects.map((p) => (
            <article key={p.name} className={`card ${styles.card}`}>
              <div className="card__header">
                <h2>
                  <Link to={p.permalink}>{p.name}</Link>
                </h2>
              </div>
              <div className="card__body">
                <p>
                  {p.runs} runs:{' '}
                  {Object.entries(p.byStatus).map(([status, n]) => (
                    <span key={status} className={styles.count}>
                      <RunStatusBadge status={status} /> {n}
                    </span>
                  ))}
                </p>
                {p.latest ? (
                  <p className={styles.latest}>
                    Latest: <Link to={p.latest.permalink}>{p.latest.title ?? p.latest.id}</Link> (
                    {formatTime(p.latest.started_at)})
                  </p>
                ) : null}
              </div>
            </article>
          ))}
        </div>
      </main>
    </Layout>
  );
}
