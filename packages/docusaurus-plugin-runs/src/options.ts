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
  /** Which runs get full pages; the others are reachable through the archive view. */
  retention: RetentionOptions;
  /** Runs per page of a project's run list. */
  runsPerPage: number;
  /**
   * Directory (relative to the site) of the validation cache kept between builds, one file per
   * plugin instance; `false`: validate every bundle on every build.
   */
  cacheDir: string | false;
}

/** Which runs get full (pre-rendered) pages. Every other run is archived: listed, searchable by id,
 * title and status, and shown by the archive view from static files loaded in the browser. */
export interface RetentionOptions {
  /** Off: every run gets a full page (the behaviour before retention). */
  enabled: boolean;
  /** The newest N runs of each project. */
  lastPerProject: number;
  /** Every failed run. */
  failed: boolean;
  /** Every run with a postmortem. */
  withPostmortem: boolean;
  /** Every run that names a ticket (`run.ticket_id`). */
  withTicket: boolean;
  /** The previous run (same deployment) of every run kept by the rules above, so its link and diff land on a full page. */
  previousOfKept: boolean;
}

/** The options a site writes in its config. */
export type Options = Partial<Omit<PluginOptions, 'retention'>> & { retention?: Partial<RetentionOptions> };

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
  retention: {
    enabled: true,
    lastPerProject: 20,
    failed: true,
    withPostmortem: true,
    withTicket: true,
    previousOfKept: true,
  },
  runsPerPage: 50,
  cacheDir: 'node_modules/.cache/fieldops-docusaurus-plugin-runs',
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
  retention: Joi.object({
    enabled: Joi.boolean().default(DEFAULT_OPTIONS.retention.enabled),
    lastPerProject: Joi.number().integer().min(0).default(DEFAULT_OPTIONS.retention.lastPerProject),
    failed: Joi.boolean().default(DEFAULT_OPTIONS.retention.failed),
    withPostmortem: Joi.boolean().default(DEFAULT_OPTIONS.retention.withPostmortem),
    withTicket: Joi.boolean().default(DEFAULT_OPTIONS.retention.withTicket),
    previousOfKept: Joi.boolean().default(DEFAULT_OPTIONS.retention.previousOfKept),
  }).default(DEFAULT_OPTIONS.retention),
  runsPerPage: Joi.number().integer().min(1).max(10_000).default(DEFAULT_OPTIONS.runsPerPage),
  cacheDir: Joi.alternatives(Joi.string(), Joi.boolean().valid(false)).default(DEFAULT_OPTIONS.cacheDir),
});

/** Validates the options a site gives and fills in the defaults (Docusaurus calls this). */
export function validateOptions({
  validate,
  options,
}: OptionValidationContext<Options | undefined, PluginOptions>): PluginOptions {
  return validate(PluginOptionSchema, options ?? {});
}
