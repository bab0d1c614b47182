import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import Layout from '@theme/Layout';
import { type ReactNode, useEffect, useRef, useState } from 'react';

// The live operational cockpit: the A2UI stream of @fieldops/cockpit rendered with @a2ui/lit.
// `?cockpit=<url>` (or the site's customFields.cockpitUrl) says where the cockpit runs; `?site=<id>`
// adds that site's surface. The operator token stays in this tab (sessionStorage) and is sent only
// with actions.
export default function Cockpit(): ReactNode {
  const { siteConfig } = useDocusaurusContext();
  const root = useRef<HTMLDivElement>(null);
  const [token, setToken] = useState('');
  const [result, setResult] = useState('');
  const tokenRef = useRef('');
  tokenRef.current = token;

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const cockpitUrl =
      params.get('cockpit') ?? (siteConfig.customFields?.cockpitUrl as string | undefined) ?? '/cockpit';
    const site = params.get('site');
    setToken(sessionStorage.getItem('fieldops.cockpit.token') ?? '');
    let stop: (() => void) | undefined;
    let cancelled = false;
    void import('../cockpit/mount').then(({ mountCockpit }) => {
      if (cancelled || !root.current) return;
      stop = mountCockpit(root.current, {
        cockpitUrl,
        surfaces: ['fleet', 'incidents', ...(site ? [`site-${site}`] : [])],
        token: () => tokenRef.current || undefined,
        onActionResult: (status, body) => setResult(status < 300 ? 'done' : `refused (${status}): ${body}`),
      });
    });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [siteConfig]);

  return (
    <Layout title="Cockpit" description="The live operational cockpit (A2UI)">
      <main className="container margin-vert--lg">
        <h1>Cockpit</h1>
        <label>
          Operator token{' '}
          <input
            type="password"
            value={token}
            data-testid="operator-token"
            onChange={(e) => {
              setToken(e.target.value);
              sessionStorage.setItem('fieldops.cockpit.token', e.target.value);
            }}
          />
        </label>
        <p data-testid="action-result">{result}</p>
        <div ref={root} data-testid="cockpit-surfaces" />
      </main>
    </Layout>
  );
}
