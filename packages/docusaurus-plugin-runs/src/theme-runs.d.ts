// Types of the theme components this plugin provides, for sites that swizzle or import them.
/// <reference types="@docusaurus/module-type-aliases" />

declare module '@theme/RunsProjectsPage' {
  import type { ProjectsIndexData } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly page: ProjectsIndexData;
  }
  export default function RunsProjectsPage(props: Props): ReactNode;
}

declare module '@theme/RunsListPage' {
  import type { RunListData } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly page: RunListData;
  }
  export default function RunsListPage(props: Props): ReactNode;
}

declare module '@theme/RunPage' {
  import type { RunPageData } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly page: RunPageData;
  }
  export default function RunPage(props: Props): ReactNode;
}

declare module '@theme/RunLogPage' {
  import type { LogRoutePageData } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly page: LogRoutePageData;
  }
  export default function RunLogPage(props: Props): ReactNode;
}

declare module '@theme/RunTimeline' {
  import type { RunRecord } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly run: RunRecord;
  }
  export default function RunTimeline(props: Props): ReactNode;
}

declare module '@theme/RunLogViewer' {
  import type { LogPageData } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly log: LogPageData;
  }
  export default function RunLogViewer(props: Props): ReactNode;
}

declare module '@theme/RunSnapshotDiff' {
  import type { SnapshotView } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly snapshot: SnapshotView;
  }
  export default function RunSnapshotDiff(props: Props): ReactNode;
}

declare module '@theme/RunStatusBadge' {
  import type { ReactNode } from 'react';
  export interface Props {
    readonly status: string;
  }
  export default function RunStatusBadge(props: Props): ReactNode;
}

declare module '@theme/RunsFormat' {
  export function formatTime(iso: string | undefined): string;
  export function formatDuration(ms: number | undefined): string;
  export function formatBytes(bytes: number | undefined): string;
  export function isSafeHref(href: string): boolean;
}

declare module '@theme/RunView' {
  import type { RunPageData } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly page: RunPageData;
  }
  export default function RunView(props: Props): ReactNode;
}

declare module '@theme/RunArchivePage' {
  import type { ArchiveRouteData } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly page: ArchiveRouteData;
  }
  export default function RunArchivePage(props: Props): ReactNode;
}

declare module '@theme/RunsArchivedIndexPage' {
  import type { ArchivedIndexData } from '@fieldops/docusaurus-plugin-runs';
  import type { ReactNode } from 'react';
  export interface Props {
    readonly page: ArchivedIndexData;
  }
  export default function RunsArchivedIndexPage(props: Props): ReactNode;
}
