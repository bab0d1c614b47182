import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadContext, Plugin } from '@docusaurus/types';
import { createRunsLoader } from './content/load-content.js';
import type { PluginOptions } from './options.js';
import { copyBundleFiles, writeOutputFiles } from './output/copy-files.js';
import { buildRunPaths } from './paths.js';
import { buildRoutes } from './routes.js';
import type { RunsContent } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PLUGIN_NAME = 'fieldops-docusaurus-plugin-runs';

/**
 * The Docusaurus plugin: reads run bundles (`loadContent`), adds their pages (`contentLoaded`),
 * copies raw logs and artifacts next to the pages (`postBuild`). The work is in the named modules.
 */
export default function pluginRuns(context: LoadContext, options: PluginOptions): Plugin<RunsContent> {
  const contentPath = path.resolve(context.siteDir, options.path);
  const paths = buildRunPaths(context.baseUrl, options.routeBasePath);
  // Docusaurus prints its own warnings as `[WARNING] …`; ours look the same.
  const warn = (message: string) => console.warn(`[WARNING] ${message}`);
  const dataDir = path.join(context.generatedFilesDir, PLUGIN_NAME);
  // One loader per instance: during `docusaurus start` a reload reads only new or changed bundles.
  const loader = createRunsLoader();

  return {
    name: PLUGIN_NAME,

    getThemePath: () => path.resolve(here, '../lib/theme'),
    getTypeScriptThemePath: () => path.resolve(here, '../src/theme'),

    // Any bundle file added or changed during `docusaurus start` reloads the content.
    getPathsToWatch: () => [`${contentPath}/**/*.{json,ndjson,md}`],

    async loadContent() {
      const { runs, skipped, stats } = await loader.load(options, { siteDir: context.siteDir, warn });
      console.info(
        `[INFO] [${PLUGIN_NAME}] ${stats.bundles} run bundles (${stats.fullPages} full pages, ${stats.bundles - stats.fullPages} archived): ${stats.read} read, ${stats.reused} unchanged, in ${Math.round(stats.ms)} ms`,
      );
      return { runs, skipped };
    },

    async contentLoaded({ content, actions }) {
      const { routes } = buildRoutes(content, options, paths);
      await Promise.all(
        routes.map(async (route) => {
          // Compact JSON: createData would pretty-print an object (twice the bytes to bundle).
          const dataPath = await actions.createData(route.dataName, JSON.stringify(route.data));
          actions.addRoute({
            path: route.path,
            component: route.component,
            exact: true,
            modules: { page: dataPath },
          });
        }),
      );
    },

    // Page data are plain JSON read whole by one component: the bundler need not track which of
    // their nested fields are used (rspack's production default), which dominates build time at
    // a thousand runs.
    configureWebpack: () => ({
      module: {
        rules: [{ test: /\.json$/, include: [dataDir], type: 'json', parser: { exportsDepth: 1 } }],
      },
    }),

    async postBuild({ content, outDir }) {
      const { files, writes } = buildRoutes(content, options, paths);
      await copyBundleFiles(files, outDir);
      await writeOutputFiles(writes, outDir);
    },
  };
}
