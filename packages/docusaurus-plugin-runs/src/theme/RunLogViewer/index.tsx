import Link from '@docusaurus/Link';
import type { AnsiSegment, LogPageData } from '@fieldops/docusaurus-plugin-runs';
import type { CSSProperties, ReactNode } from 'react';
import styles from './styles.module.css';

/** Props of the log viewer. */
export interface Props {
  readonly log: LogPageData;
}

const HEX = /^#[0-9a-f]{6}$/;

// Palette colours are classes (themable); 256/true colours come as #rrggbb and become inline style.
function Segment({ segment }: { segment: AnsiSegment }): ReactNode {
  const classes: string[] = [];
  const style: CSSProperties = {};
  if (segment.fg) {
    if (HEX.test(segment.fg)) style.color = segment.fg;
    else if (styles[`fg-${segment.fg}`]) classes.push(styles[`fg-${segment.fg}`] as string);
  }
  if (segment.bg) {
    if (HEX.test(segment.bg)) style.backgroundColor = segment.bg;
    else if (styles[`bg-${segment.bg}`]) classes.push(styles[`bg-${segment.bg}`] as string);
  }
  if (segment.bold) classes.push(styles.bold as string);
  if (segment.dim) classes.push(styles.dim as string);
  if (segment.italic) classes.push(styles.italic as string);
  if (segment.underline) classes.push(styles.underline as string);
  if (classes.length === 0 && Object.keys(style).length === 0) return segment.text;
  return (
    <span className={classes.join(' ') || undefined} style={style} data-ansi={segment.fg ?? segment.bg}>
      {segment.text}
    </span>
  );
}

/** One page of an NDJSON log: line numbers, levels, ANSI colours as styles, links to other pages. */
export default function RunLogViewer({ log }: Props): ReactNode {
  const pager =
    log.pageCount > 1 ? (
      <nav className={styles.pager} aria-label={`Pages of ${log.path}`}>
        Page{' '}
        {log.pagePermalinks.map((href, i) =>
          i + 1 === log.page ? (
            <strong key={href} aria-current="page">
              {i + 1}
            </strong>
          ) : (
            <Link key={href} to={href}>
              {i + 1}
            </Link>
          ),
        )}{' '}
        of {log.pageCount}
      </nav>
    ) : null;
  return (
    <section className={styles.log} data-testid="run-log" data-log={log.slug}>
      <header className={styles.header}>
        <code>{log.path}</code>
        {log.step_id ? <span> · step {log.step_id}</span> : null}
        <span>
          {' '}
          · {log.totalLines} lines · <a href={log.rawHref}>raw NDJSON</a>
        </span>
      </header>
      {pager}
      <div className={styles.scroll}>
        <table className={styles.lines}>
          <tbody>
            {log.lines.map((line) => (
              <tr key={line.n} className={styles[`level-${line.level}`]} data-level={line.level}>
                <td className={styles.n}>{line.n}</td>
                <td className={styles.ts}>{line.ts.slice(11, 23)}</td>
                <td className={styles.level}>{line.level}</td>
                <td className={styles.msg}>
                  {line.segments.map((segment, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: segments of one line never reorder
                    <Segment key={i} segment={segment} />
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {log.truncatedLines > 0 && log.page === log.pageCount ? (
        <p className={styles.truncated}>
          {log.truncatedLines} more lines are not shown here; see the <a href={log.rawHref}>raw log</a>.
        </p>
      ) : null}
      {pager}
    </section>
  );
}
