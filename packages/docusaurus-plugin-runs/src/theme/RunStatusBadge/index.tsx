import type { ReactNode } from 'react';
import styles from './styles.module.css';

/** Props of the status badge. */
export interface Props {
  readonly status: string;
}

/** A coloured pill with a run or step status. */
export default function RunStatusBadge({ status }: Props): ReactNode {
  return (
    <span className={`${styles.badge} ${styles[status] ?? ''}`} data-status={status}>
      {status}
    </span>
  );
}
