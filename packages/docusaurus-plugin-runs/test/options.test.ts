import path from 'node:path';
import type { LoadContext } from '@docusaurus/types';
import { normalizePluginOptions } from '@docusaurus/utils-validation';
import { describe, expect, it } from 'vitest';
import pluginRuns, {
  DEFAULT_OPTIONS,
  getSwizzleConfig,
  type PluginOptions,
  validateOptions,
} from '../src/index.js';

const validate = (options: unknown) =>
  validateOptions({ validate: normalizePluginOptions as never, options: options as never });

describe('validateOptions', () => {
  it('fills in the defaults', () => {
    expect(validate({})).toEqual({ id: 'default', ...DEFAULT_OPTIONS });
  });

  it('rejects a bad onInvalidBundle and a bad project filter', () => {
    expect(() => validate({ onInvalidBundle: 'ignore' })).toThrow(/onInvalidBundle/);
    expect(() => validate({ projects: ['Not A Slug'] })).toThrow(/projects/);
  });
});

describe('the plugin', () => {
  it('watches every bundle file under the KB root, so new bundles appear during docusaurus start', () => {
    const options: PluginOptions = { id: 'default', ...DEFAULT_OPTIONS };
    const context = { siteDir: '/site', baseUrl: '/', generatedFilesDir: '/site/.docusaurus' } as LoadContext;
    const plugin = pluginRuns(context, options);
    expect(plugin.getPathsToWatch?.()).toEqual([path.join('/site', 'kb', '**/*.{json,ndjson,md}')]);
    expect(plugin.getThemePath?.()).toMatch(/lib[/\\]theme$/);
    expect(plugin.getTypeScriptThemePath?.()).toMatch(/src[/\\]theme$/);
  });
});

describe('getSwizzleConfig', () => {
  it('covers every theme component the plugin ships', async () => {
    const { readdir } = await import('node:fs/promises');
    const shipped = (await readdir(path.join(import.meta.dirname, '../src/theme'))).sort();
    expect(Object.keys(getSwizzleConfig().components).sort()).toEqual(shipped);
  });
});
