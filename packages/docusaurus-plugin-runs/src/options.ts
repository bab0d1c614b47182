import { createRequire } from 'node:module';
import type { OptionValidationContext } from '@docusaurus/types';

// A CommonJS module whose `Joi` export Node's ESM loader cannot see by name, and whose default
// export the CommonJS build cannot see either: require it the same way from both builds.
const { Joi, RouteBasePathSchema } = createRequire(import.meta.url)(
  '@docusaurus/utils-validation',
) as typeof import('@docusaurus/utils-validation');

/** The plugin options after validation, every field present. */
export interface PluginOptions {
  /** Plugin instance id (Docusaurus multi-instance). */
  id: string;
  /** Directory of the KB root, relative to the site directory: bundles live under `projects/`. */
  path: string;
  /** URL path of the projects index, e.g. `runs`. */
  routeBasePath: string;
  /** What to do with a bundle that fails validation: fail the build, or warn and skip it. */
  onInvalidBundle: 'throw' | 'warn';
  /** Only these projects (empty: all). */
  projects: string[];
  /** Title of the projects index page. */
  title: string;
  /** Log lines per page; longer logs get extra pages with their own routes. */
  logPageSize: number;
  /** Lines kept per log; the rest are counted and linked as the raw file. */
  maxLogLines: number;
  /** Bundles read at the same time. */
  concurrency: number;
  /** Show remote images in postmortems as images; by default they are links (no fetch from elsewhere). */
  allowRemoteImages: boolean;
}

/** The options a site writes in its config. */
export type Options = Partial<PluginOptions>;

/** Defaults of every option; the validation schema below is built from them. */
export const DEFAULT_OPTIONS: Omit<PluginOptions, 'id'> = {
  path: 'kb',
  routeBasePath: 'runs',
  onInvalidBundle: 'throw',
  projects: [],
  title: 'Automation runs',
  logPageSize: 500,
  maxLogLines: 20_000,
  concurrency: 16,
  allowRemoteImages: false,
};

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

const PluginOptionSchema = Joi.object<PluginOptions>({
  path: Joi.string().default(DEFAULT_OPTIONS.path),
  routeBasePath: RouteBasePathSchema.default(DEFAULT_OPTIONS.routeBasePath),
  onInvalidBundle: Joi.string().valid('throw', 'warn').default(DEFAULT_OPTIONS.onInvalidBundle),
  projects: Joi.array().items(Joi.string().pattern(SLUG)).default(DEFAULT_OPTIONS.projects),
  title: Joi.string().default(DEFAULT_OPTIONS.title),
  logPageSize: Joi.number().integer().min(10).max(100_000).default(DEFAULT_OPTIONS.logPageSize),
  maxLogLines: Joi.number().integer().min(1).default(DEFAULT_OPTIONS.maxLogLines),
  concurrency: Joi.number().integer().min(1).max(256).default(DEFAULT_OPTIONS.concurrency),
  allowRemoteImages: Joi.boolean().default(DEFAULT_OPTIONS.allowRemoteImages),
});

/** Validates the options a site gives and fills in the defaults (Docusaurus calls this). */
export function validateOptions({
  validate,
  options,
}: OptionValidationContext<Options | undefined, PluginOptions>): PluginOptions {
  return validate(PluginOptionSchema, options ?? {});
}
