import Link from '@docusaurus/Link';
import type { SnapshotView } from '@fieldops/docusaurus-plugin-runs';
import { formatTime } from '@theme/RunsFormat';
import type { ReactNode } from 'react';
import styles from './styles.module.css';

/** Props of the snapshot view. */
export interface Props {
  readonly snapshot: SnapshotView;
}

const MARK = { equal: ' ', add: '+', remove: '-' } as const;

/** A configuration snapshot: where secrets were redacted, the diff to the previous run, the content. */
export default function RunSnapshotDiff({ snapshot }: Props): ReactNode {
  const prev = snapshot.previous;
  return (
    <section className={styles.snapshot} data-testid="run-snapshot" data-snapshot={snapshot.name}>
      <h3 id={`snapshot-${snapshot.name}`}>{snapshot.title ?? snapshot.name}</h3>
      <p className={styles.meta}>
        <code>{snapshot.name}</code> · {snapshot.format} · taken {formatTime(snapshot.taken_at)}
        {snapshot.target ? <> · target {snapshot.target}</> : null}
        {snapshot.step_id ? <> · step {snapshot.step_id}</> : null}
      </p>
      {snapshot.redactions.length > 0 ? (
        <p className={styles.meta}>
          Redacted:{' '}
          {snapshot.redactions.map((r, i) => (
            <span key={r.path}>
              {i > 0 ? ', ' : ''}
              <code>{r.path}</code> ({r.reason.replace('_', ' ')})
            </span>
          ))}
        </p>
      ) : null}
      {prev ? (
        <div data-testid="snapshot-diff">
          <p className={styles.meta}>
            Compared with run <Link to={prev.permalink}>{prev.run_id}</Link>:{' '}
            {prev.identical ? 'no change' : `+${prev.added} −${prev.removed} lines`}
          </p>
          {prev.hunks.map((hunk, h) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: hunks are in document order
            <pre key={h} className={styles.diff}>
              {hunk.lines.map((line, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines are in document order
                <div key={i} className={styles[line.op]} data-op={line.op}>
                  {MARK[line.op]} {line.text}
                </div>
              ))}
            </pre>
          ))}
        </div>
      ) : (
        <p className={styles.meta}>No earlier run of this deployment has this snapshot.</p>
      )}
      <details>
        <summary>Full snapshot</summary>
        <pre className={styles.content}>{snapshot.text}</pre>
      </details>
    </section>
  );
}
