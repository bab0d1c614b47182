import type * as Preset from '@docusaurus/preset-classic';
import type { Config } from '@docusaurus/types';
import { type Options as RunsOptions, searchIgnoreFiles } from '@fieldops/docusaurus-plugin-runs';

// The fieldops KB: docs (getting started, SDK guides, runbooks, one page per contract generated from
// the JSON Schemas by scripts/generate-contract-docs.mts) and the run bundles under kb/.
// FIELDOPS_KB_TEST_FIXTURES=1 adds a second plugin instance with the fixture bundles (hostile text, a long log) the
// browser tests need, and two instances where every run is archived (never in the published site).
const withTestFixtures = process.env.FIELDOPS_KB_TEST_FIXTURES === '1';

const runs: RunsOptions = { path: 'kb', routeBasePath: 'runs', onInvalidBundle: 'throw' };

const config: Config = {
  title: 'fieldops KB',
  tagline: 'Versioned, logged and testable integration points for LoRaWAN + RFID field operations',
  url: 'https://fieldops.example.com',
  baseUrl: '/',
  onBrokenLinks: 'throw',
  onBrokenAnchors: 'throw',
  markdown: { format: 'detect', hooks: { onBrokenMarkdownLinks: 'throw' } },
  future: { v4: true },
  presets: [
    [
      'classic',
      {
        docs: { sidebarPath: './sidebars.ts', routeBasePath: 'docs' },
        blog: false,
        theme: { customCss: './src/css/custom.css' },
      } satisfies Preset.Options,
    ],
  ],
  plugins: [
    ['@fieldops/docusaurus-plugin-runs', runs],
    ...(withTestFixtures
      ? [
          [
            '@fieldops/docusaurus-plugin-runs',
            {
              id: 'test-fixtures',
              path: 'test/__fixtures__/kb-test',
              routeBasePath: 'test-runs',
              title: 'Test fixtures',
            } satisfies RunsOptions,
          ] as [string, RunsOptions],
          // The same bundles again with every run archived: the archive view's browser tests; and
          // the site's KB one run a page, the newest with a full page (the later list pages' tests).
          ...(
            [
              ['test-archive', 'test/__fixtures__/kb-test', 0],
              ['test-archive-kb', 'kb', 0],
              ['test-paging', 'kb', 1],
            ] as const
          ).map(
            ([id, path, full]) =>
              [
                '@fieldops/docusaurus-plugin-runs',
                {
                  id,
                  path,
                  routeBasePath: id,
                  title: 'Archived test fixtures',
                  ...(full ? { runsPerPage: 1 } : {}),
                  retention: {
                    lastPerProject: Number(full),
                    failed: false,
                    withPostmortem: false,
                    withTicket: false,
                    previousOfKept: false,
                  },
                } satisfies RunsOptions,
              ] as [string, RunsOptions],
          ),
        ]
      : []),
  ],
  themes: [
    [
      '@easyops-cn/docusaurus-search-local',
      {
        hashed: true,
        indexDocs: true,
        indexBlog: false,
        indexPages: true,
        docsRouteBasePath: 'docs',
        language: ['en'],
        highlightSearchTermsOnTargetPage: false,
        // The run list pages are never read by the search plugin (their runs are found on their own
        // pages and on the archived-runs index; decision 0041).
        ignoreFiles: ['runs', 'test-runs', 'test-archive', 'test-archive-kb', 'test-paging'].flatMap((base) =>
          searchIgnoreFiles(base),
        ),
      },
    ],
  ],
  themeConfig: {
    navbar: {
      title: 'fieldops',
      items: [
        { type: 'docSidebar', sidebarId: 'guides', position: 'left', label: 'Guides' },
        { type: 'docSidebar', sidebarId: 'contracts', position: 'left', label: 'Contracts' },
        { to: '/docs/runbooks', label: 'Runbooks', position: 'left' },
        { to: '/runs', label: 'Runs', position: 'left' },
      ],
    },
    footer: { style: 'dark', copyright: 'fieldops — MIT licensed' },
  } satisfies Preset.ThemeConfig,
};

export default config;
