import Link from '@docusaurus/Link';
import type { ArchivedRunData, ArchiveRouteData, RunPageData } from '@fieldops/docusaurus-plugin-runs';
import { buildArchivedRunPage, parseArchivedRunParam } from '@fieldops/docusaurus-plugin-runs/browser';
import Layout from '@theme/Layout';
import RunView from '@theme/RunView';
import { type ReactNode, useEffect, useState } from 'react';

/** Props of the archive view (the route's `page` data module). */
export interface Props {
  readonly page: ArchiveRouteData;
}

type State = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; page: RunPageData };

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res;
}

/** Loads an archived run's static files (`archive.json` with its run record, the raw logs) for `?run=…`. */
async function loadArchivedRun(route: ArchiveRouteData, search: string): Promise<RunPageData> {
  const at = parseArchivedRunParam(new URLSearchParams(search).get('run'));
  if (!at) throw new Error('no such run: the address needs ?run=<project>/<date>/<run id>');
  const base = `${route.runsBase}/${at.project}/${at.date}/${at.id}/files`;
  const archive = (await (await fetchOk(`${base}/archive.json`)).json()) as ArchivedRunData;
  const logTexts = await Promise.all(archive.logs.map((log) => fetchOk(log.rawHref).then((r) => r.text())));
  return buildArchivedRunPage(archive, logTexts, route.logPageSize);
}

/**
 * An archived run (no full page): its bundle data are loaded in the browser and shown with the same
 * run view, escaping and sanitizing as a full page (the postmortem HTML was sanitized at build time).
 */
export default function RunArchivePage({ page }: Props): ReactNode {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    loadArchivedRun(page, window.location.search).then(
      (run) => live && setState({ kind: 'ready', page: run }),
      (error: Error) => live && setState({ kind: 'error', message: error.message }),
    );
    return () => {
      live = false;
    };
  }, [page]);
  const title =
    state.kind === 'ready'
      ? `${state.page.summary.title ?? state.page.summary.id} (archived)`
      : 'Archived run';
  return (
    <Layout title={title} description="An archived automation run">
      <main className="container margin-vert--lg" data-testid="run-archive-page" data-state={state.kind}>
        {state.kind === 'loading' ? <p>Loading the archived run…</p> : null}
        {state.kind === 'error' ? (
          <p data-testid="run-archive-error">
            {state.message} · <Link to={page.projectsPermalink}>All projects</Link>
          </p>
        ) : null}
        {state.kind === 'ready' ? (
          <div data-testid="run-page" data-run-id={state.page.summary.id} data-archived="true">
            <p>
              <em>Archived run: loaded from its bundle files.</em>
            </p>
            <RunView page={state.page} />
          </div>
        ) : null}
      </main>
    </Layout>
  );
}
