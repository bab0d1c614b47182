import Link from '@docusaurus/Link';
import type { ArchiveRouteData, RunPageData } from '@fieldops/docusaurus-plugin-runs';
import {
  type ArchivePackIndex,
  archiveIndexUrl,
  buildArchivedRunPage,
  findPackedRun,
  parseArchivedRunParam,
  sliceRangeResponse,
  unpackArchivedRun,
} from '@fieldops/docusaurus-plugin-runs/browser';
import Layout from '@theme/Layout';
import RunView from '@theme/RunView';
import { type ReactNode, useEffect, useState } from 'react';

/** Props of the archive view (the route's `page` data module). */
export interface Props {
  readonly page: ArchiveRouteData;
}

type State =
  | { kind: 'loading' }
  | { kind: 'error'; message: string }
  | { kind: 'ready'; page: RunPageData; rawHrefs: string[] };

async function fetchOk(url: string, init?: RequestInit): Promise<Response> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res;
}

/** The bytes of one pack entry: a `Range` request, or the whole part where the host ignores `Range`. */
async function fetchEntry(url: string, offset: number, length: number): Promise<Uint8Array> {
  const res = await fetchOk(url, { headers: { Range: `bytes=${offset}-${offset + length - 1}` } });
  const body = new Uint8Array(await res.arrayBuffer());
  const bytes = sliceRangeResponse(res.status, res.headers.get('content-range'), body, offset, length);
  if (bytes) return bytes;
  // A partial answer that is not the asked range: the whole part, cut here.
  const whole = new Uint8Array(await (await fetchOk(url)).arrayBuffer());
  const cut = sliceRangeResponse(200, null, whole, offset, length);
  if (!cut) throw new Error(`${url}: shorter than its index says`);
  return cut;
}

/**
 * Loads an archived run for `?run=…`: its month's index, then its entry of a pack part (the archive
 * data with its run record, and its raw logs). The raw logs are linked as blob URLs of the text.
 */
async function loadArchivedRun(
  route: ArchiveRouteData,
  search: string,
): Promise<{ page: RunPageData; rawHrefs: string[] }> {
  const at = parseArchivedRunParam(new URLSearchParams(search).get('run'));
  if (!at) throw new Error('no such run: the address needs ?run=<project>/<date>/<run id>');
  const indexUrl = archiveIndexUrl(route.runsBase, at.project, at.date);
  const res = await fetch(indexUrl);
  const index = res.ok ? ((await res.json()) as ArchivePackIndex) : undefined;
  const where = index && findPackedRun(index, indexUrl, at.id);
  if (!where) throw new Error(`no such run: ${at.project}/${at.date}/${at.id} is not in the archive`);
  const bytes = await fetchEntry(
    where.url,
    where.offset,
    where.lengths.reduce((a, b) => a + b, 0),
  );
  const { archive, logTexts } = unpackArchivedRun(bytes, where.lengths);
  if (archive.summary.id !== at.id || archive.summary.date !== at.date) {
    throw new Error(`no such run: ${at.project}/${at.date}/${at.id} is not in the archive`);
  }
  const rawHrefs = logTexts.map((text) =>
    URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' })),
  );
  return { page: buildArchivedRunPage(archive, logTexts, route.logPageSize, rawHrefs), rawHrefs };
}

/**
 * An archived run (no full page): its packed bundle data are loaded in the browser and shown with the same
 * run view, escaping and sanitizing as a full page (the postmortem HTML was sanitized at build time).
 */
export default function RunArchivePage({ page }: Props): ReactNode {
  const [state, setState] = useState<State>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    let hrefs: string[] = [];
    loadArchivedRun(page, window.location.search).then(
      (run) => {
        hrefs = run.rawHrefs;
        if (live) setState({ kind: 'ready', ...run });
        else for (const href of hrefs) URL.revokeObjectURL(href);
      },
      (error: Error) => live && setState({ kind: 'error', message: error.message }),
    );
    return () => {
      live = false;
      for (const href of hrefs) URL.revokeObjectURL(href);
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
