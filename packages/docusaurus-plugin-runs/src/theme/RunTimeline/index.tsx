import type { RunRecord } from '@fieldops/docusaurus-plugin-runs';
import RunStatusBadge from '@theme/RunStatusBadge';
import { formatDuration, formatTime } from '@theme/RunsFormat';
import type { ReactNode } from 'react';
import styles from './styles.module.css';

/** Props of the timeline. */
export interface Props {
  readonly run: RunRecord;
}

const ms = (iso: string | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/** A bar per step on the run's time axis, then every status change in order. */
export default function RunTimeline({ run }: Props): ReactNode {
  const starts = run.steps.map((s) => ms(s.started_at)).filter(Number.isFinite);
  const ends = run.steps.map((s) => ms(s.finished_at)).filter(Number.isFinite);
  const t0 = Number.isFinite(ms(run.started_at)) ? ms(run.started_at) : Math.min(...starts);
  const t1 = Number.isFinite(ms(run.finished_at)) ? ms(run.finished_at) : Math.max(...ends, ...starts);
  const span = t1 > t0 ? t1 - t0 : 1;
  return (
    <div className={styles.timeline} data-testid="run-timeline">
      <ol className={styles.bars}>
        {run.steps.map((step) => {
          const s = ms(step.started_at);
          const e = Number.isFinite(ms(step.finished_at)) ? ms(step.finished_at) : s;
          const left = Number.isFinite(s) ? ((s - t0) / span) * 100 : 0;
          const width = Number.isFinite(s) ? Math.max(((e - s) / span) * 100, 0.5) : 0;
          return (
            <li
              key={step.step_id}
              className={styles.row}
              data-testid="timeline-step"
              data-step={step.step_id}
            >
              <span className={styles.label} title={step.name ?? step.step_id}>
                {step.step_id}
              </span>
              <span className={styles.track}>
                {width > 0 ? (
                  <span
                    className={`${styles.bar} ${styles[step.status] ?? ''}`}
                    style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }}
                    title={`${step.status}, ${formatDuration(step.duration_ms ?? (Number.isFinite(e - s) ? e - s : undefined))}`}
                  />
                ) : (
                  <span className={styles.notRun}>{step.status}</span>
                )}
              </span>
              <span className={styles.duration}>{formatDuration(step.duration_ms)}</span>
            </li>
          );
        })}
      </ol>
      <details className={styles.events}>
        <summary>Status changes ({run.timeline.length})</summary>
        <ol>
          {run.timeline.map((t, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is append-only, in order
            <li key={i}>
              <code>{formatTime(t.at)}</code> {t.step_id ? <strong>{t.step_id}</strong> : <em>run</em>}{' '}
              <RunStatusBadge status={t.status} />
              {t.attempt && t.attempt > 1 ? ` attempt ${t.attempt}` : ''}
              {t.message ? <span className={styles.message}> {t.message}</span> : null}
            </li>
          ))}
        </ol>
      </details>
    </div>
  );
}
