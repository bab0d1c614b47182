import Link from '@docusaurus/Link';
import type { RunPageData } from '@fieldops/docusaurus-plugin-runs';
import RunLogViewer from '@theme/RunLogViewer';
import RunSnapshotDiff from '@theme/RunSnapshotDiff';
import RunStatusBadge from '@theme/RunStatusBadge';
import { formatBytes, formatDuration, formatTime, isSafeHref } from '@theme/RunsFormat';
import RunTimeline from '@theme/RunTimeline';
import type { ReactNode } from 'react';
import styles from './styles.module.css';

/** Props of the run view: the same data a run page gets. */
export interface Props {
  readonly page: RunPageData;
}

/**
 * The content of one run: header, timeline, steps, logs, artifacts, snapshots with diffs, postmortem.
 * Used by the full run page and by the archive view, so both render a run the same way.
 */
export default function RunView({ page }: Props): ReactNode {
  const { summary, run } = page;
  const title = summary.title ?? `Run ${summary.id}`;
  return (
    <>
      <nav className={styles.crumbs}>
        <Link to={page.projectPermalink}>{summary.project}</Link> / {summary.date}
      </nav>
      <h1 className={styles.title}>
        {title} <RunStatusBadge status={summary.status} />
      </h1>
      <dl className={styles.facts}>
        <dt>Run</dt>
        <dd>
          <code>{summary.id}</code>
          {run.dry_run ? ' (dry run)' : ''}
        </dd>
        <dt>Deployment</dt>
        <dd>
          <code>{run.deployment_id}</code>
          {run.site_id ? (
            <>
              {' '}
              at <code>{run.site_id}</code>
            </>
          ) : null}
        </dd>
        {run.product_code ? (
          <>
            <dt>Product</dt>
            <dd>
              {run.product_code} {run.product_version ?? ''}
            </dd>
          </>
        ) : null}
        <dt>Started</dt>
        <dd>{formatTime(run.started_at ?? run.queued_at)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(summary.duration_ms)}</dd>
        {run.ticket_id ? (
          <>
            <dt>Ticket</dt>
            <dd>{run.ticket_id}</dd>
          </>
        ) : null}
        {page.previousRun ? (
          <>
            <dt>Previous run</dt>
            <dd>
              <Link to={page.previousRun.permalink}>{page.previousRun.id}</Link>
            </dd>
          </>
        ) : null}
      </dl>

      <h2 id="timeline">Timeline</h2>
      <RunTimeline run={run} />

      <h2 id="steps">Steps</h2>
      <table className={styles.steps} data-testid="run-steps">
        <thead>
          <tr>
            <th>Step</th>
            <th>Kind</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Duration</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {run.steps.map((step) => (
            <tr key={step.step_id} data-testid="run-step" data-step={step.step_id}>
              <td>
                <code>{step.step_id}</code>
                {step.name ? <div className={styles.stepName}>{step.name}</div> : null}
              </td>
              <td>{step.kind}</td>
              <td>
                <RunStatusBadge status={step.status} />
              </td>
              <td>{step.attempts}</td>
              <td>{formatDuration(step.duration_ms)}</td>
              <td className={styles.result}>
                {step.message ? <div>{step.message}</div> : null}
                {step.error ? (
                  <div className={styles.error}>
                    <code>{step.error.code}</code> {step.error.message}
                  </div>
                ) : null}
                {step.outputs ? <code className={styles.outputs}>{JSON.stringify(step.outputs)}</code> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {page.postmortem ? (
        <>
          <h2 id="postmortem">Postmortem</h2>
          <p className={styles.pmMeta}>
            {page.postmortem.frontMatter.title} · severity {page.postmortem.frontMatter.severity} ·{' '}
            {page.postmortem.frontMatter.status}
          </p>
          {/* Sanitized at build time: raw HTML in the source became text, then rehype-sanitize ran. */}
          <div
            className={`markdown ${styles.postmortem}`}
            data-testid="run-postmortem"
            // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized HTML from the plugin
            dangerouslySetInnerHTML={{ __html: page.postmortem.html }}
          />
        </>
      ) : null}

      {page.logs.length > 0 ? <h2 id="logs">Logs</h2> : null}
      {page.logs.map((log) => (
        <RunLogViewer key={log.slug} log={log} />
      ))}

      {page.artifacts.length > 0 ? (
        <>
          <h2 id="artifacts">Artifacts</h2>
          <ul data-testid="run-artifacts">
            {page.artifacts.map((a) => (
              <li key={a.name}>
                {a.href ? <a href={a.href}>{a.name}</a> : a.name}
                {a.media_type ? <span className={styles.muted}> · {a.media_type}</span> : null}
                {a.bytes !== undefined ? (
                  <span className={styles.muted}> · {formatBytes(a.bytes)}</span>
                ) : null}
                {a.step_id ? <span className={styles.muted}> · step {a.step_id}</span> : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {page.snapshots.length > 0 ? <h2 id="snapshots">Configuration snapshots</h2> : null}
      {page.snapshots.map((s) => (
        <RunSnapshotDiff key={s.name} snapshot={s} />
      ))}

      {run.links.length > 0 ? (
        <>
          <h2 id="links">Links</h2>
          <ul>
            {run.links.map((l) => (
              <li key={`${l.rel}-${l.href}`}>
                {l.rel}:{' '}
                {isSafeHref(l.href) ? <a href={l.href}>{l.title ?? l.href}</a> : <code>{l.href}</code>}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}
