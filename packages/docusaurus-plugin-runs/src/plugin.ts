import { mkdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadContext, Plugin } from '@docusaurus/types';
import { cacheKey } from './content/bundle-cache.js';
import { createRunsLoader } from './content/load-content.js';
import type { PluginOptions } from './options.js';
import { copyBundleFiles, type MadeDirs, writeOutputFiles } from './output/copy-files.js';
import { ARCHIVE_PART_BYTES, writeArchivePacks } from './output/write-archive-packs.js';
import { buildRunPaths } from './paths.js';
import { ARCHIVE_PACK_VERSION } from './props/archive-pack.js';
import { buildRoutes } from './routes.js';
import type { RunsContent } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PLUGIN_NAME = 'fieldops-docusaurus-plugin-runs';

/**
 * The Docusaurus plugin: reads run bundles (`loadContent`), adds their pages (`contentLoaded`),
 * publishes raw logs, artifacts and archived runs' packs next to the pages (`postBuild`; under
 * `docusaurus start`, into a folder the dev server serves). The work is in the named modules.
 */
export default function pluginRuns(context: LoadContext, options: PluginOptions): Plugin<RunsContent> {
  const contentPath = path.resolve(context.siteDir, options.path);
  const paths = buildRunPaths(context.baseUrl, options.routeBasePath);
  // Docusaurus prints its own warnings as `[WARNING] …`; ours look the same.
  const warn = (message: string) => console.warn(`[WARNING] ${message}`);
  const info = (message: string) => console.info(`[INFO] [${PLUGIN_NAME}] ${message}`);
  const dataDir = path.join(context.generatedFilesDir, PLUGIN_NAME);
  // `docusaurus start` runs no postBuild: the files a built site has next to its pages are
  // published into this folder instead, served by the dev server at the same URLs.
  const devFilesDir = path.join(dataDir, options.id, 'files');
  const isDev = process.env.NODE_ENV !== 'production';
  const cacheDir = options.cacheDir === false ? undefined : path.join(options.cacheDir, options.id);
  // Packs of archived runs kept between builds (decision 0047), in a folder named after what their
  // content depends on besides the runs (plugin and contracts versions, options, pack format).
  const packsName = `packs-${cacheKey({ allowRemoteImages: options.allowRemoteImages }).slice(0, 12)}-v${ARCHIVE_PACK_VERSION}`;
  const packCacheDir = cacheDir ? path.resolve(context.siteDir, cacheDir, packsName) : undefined;
  // One loader per instance: during `docusaurus start` a reload reads only new or changed bundles;
  // a build loads once and need not keep the loader's cache through the bundler's run.
  const loader = createRunsLoader({ keepBetweenLoads: isDev });

  // What the last publish into the dev folder put there (output key -> fingerprint and the files
  // it wrote): unchanged outputs are skipped without touching the disk, and files no output wrote
  // this time (a run that left the archive, a pack that shrank) stop being served.
  let devPublished = new Map<string, { fingerprint: string | undefined; files: string[] }>();

  // Publishes run one at a time (a dev-server reload can start while the last one publishes).
  let publishing: Promise<unknown> = Promise.resolve();
  function publish(content: RunsContent, outDir: string): Promise<void> {
    const next = publishing.then(
      () => publishOnce(content, outDir),
      () => publishOnce(content, outDir),
    );
    publishing = next.catch(() => undefined);
    return next;
  }

  async function publishOnce(content: RunsContent, outDir: string): Promise<void> {
    const started = performance.now();
    // Built again rather than kept from contentLoaded: the file entries and pack makers of 20,000
    // runs held through the bundler's run cost more peak memory than this costs time.
    const routes = buildRoutes(content, options, paths);
    let { files, writes, archives } = routes;
    const dev = outDir === devFilesDir;
    const same = (key: string, fingerprint: string | undefined) =>
      fingerprint !== undefined && devPublished.get(key)?.fingerprint === fingerprint;
    if (dev) {
      files = routes.files.filter((f) => !same(f.to, f.fingerprint));
      writes = routes.writes.filter((w) => !same(w.to, w.fingerprint));
      archives = routes.archives.filter((a) => !same(a.index, a.fingerprint));
    }
    const made: MadeDirs = new Map();
    const copied = await copyBundleFiles(files, outDir, 16, made);
    const written = await writeOutputFiles(writes, outDir, 16, made);
    // Under `docusaurus start` the dev folder keeps its packs itself (`devPublished`).
    const packCache = dev ? undefined : packCacheDir;
    if (packCache) await removeOtherPackCaches(packCache);
    const packed = await writeArchivePacks(archives, outDir, 16, made, ARCHIVE_PART_BYTES, packCache);
    if (dev) {
      const now = new Map<string, { fingerprint: string | undefined; files: string[] }>();
      for (const f of [...routes.files, ...routes.writes]) {
        now.set(f.to, { fingerprint: f.fingerprint, files: [f.to] });
      }
      for (const a of routes.archives) {
        now.set(a.index, {
          fingerprint: a.fingerprint,
          files: packed.files.get(a) ?? devPublished.get(a.index)?.files ?? [],
        });
      }
      const keep = new Set([...now.values()].flatMap((o) => o.files));
      for (const { files: old } of devPublished.values()) {
        for (const stale of old) if (!keep.has(stale)) await rm(path.join(outDir, stale), { force: true });
      }
      devPublished = now;
    }
    const unchanged = routes.files.length - copied.linked - copied.copied;
    const packFiles = [...packed.files.values()].reduce((n, f) => n + f.length, 0);
    info(
      `published ${routes.files.length} bundle files (${copied.linked} linked, ${copied.copied} copied, ${unchanged} unchanged), ${written.written} of ${routes.writes.length} run list pages (JSON) and ${packed.runs} archived runs in ${packFiles} pack files (${archives.length - packed.reused} of ${routes.archives.length} months written, ${packed.reused} from the cache of an earlier build) in ${Math.round(performance.now() - started)} ms`,
    );
  }

  return {
    name: PLUGIN_NAME,

    getThemePath: () => path.resolve(here, '../lib/theme'),
    getTypeScriptThemePath: () => path.resolve(here, '../src/theme'),

    // Any bundle file added or changed during `docusaurus start` reloads the content.
    getPathsToWatch: () => [`${contentPath}/**/*.{json,ndjson,md}`],

    async loadContent() {
      const { runs, skipped, stats } = await loader.load(
        { ...options, cacheDir },
        { siteDir: context.siteDir, warn },
      );
      info(
        `${stats.bundles} run bundles (${stats.fullPages} full pages, ${stats.bundles - stats.fullPages} archived): ${stats.read} read, ${stats.reused} unchanged (${stats.fromCache} from the cache of an earlier build), in ${Math.round(stats.ms)} ms`,
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
      if (isDev) await publish(content, devFilesDir);
    },

    // Page data are plain JSON read whole by one component: the bundler need not track which of
    // their nested fields are used (rspack's production default), which dominates build time at
    // a thousand runs.
    configureWebpack: (_config, isServer) => {
      const rules = [{ test: /\.json$/, include: [dataDir], type: 'json', parser: { exportsDepth: 1 } }];
      if (!isDev || isServer) return { module: { rules } };
      mkdirSync(devFilesDir, { recursive: true });
      return {
        module: { rules },
        // Merged into Docusaurus' dev server config (arrays concatenate): the published files at
        // their built-site URLs. Not watched: a reload republishes what changed.
        devServer: { static: [{ directory: devFilesDir, publicPath: context.baseUrl, watch: false }] },
      };
    },

    async postBuild({ content, outDir }) {
      await publish(content, outDir);
    },
  };
}

/** Removes pack caches of other plugin versions or options beside `keep` (they would never be used again). */
async function removeOtherPackCaches(keep: string): Promise<void> {
  const parent = path.dirname(keep);
  for (const name of await readdir(parent).catch(() => [] as string[])) {
    if (name.startsWith('packs-') && name !== path.basename(keep)) {
      await rm(path.join(parent, name), { recursive: true, force: true });
    }
  }
}
