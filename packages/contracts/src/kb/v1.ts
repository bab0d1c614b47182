import { z } from 'zod';
import { RunRecord } from '../automation/v1.js';
import { DeploymentId, RunId } from '../ids/v1.js';
import { isoDate, json, jsonObject, slug, timestamp } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('kb', 1, name, schema, description);

/**
 * The file layout of a run bundle under the KB root:
 * `projects/<project>/runs/<YYYY-MM-DD>/<automation_run_id>/`.
 */
export const RUN_BUNDLE_LAYOUT = {
  projectsDir: 'projects',
  runsDir: 'runs',
  runFile: 'run.json',
  logsDir: 'logs',
  snapshotsDir: 'snapshots',
  artifactsDir: 'artifacts',
  postmortemFile: 'postmortem.md',
} as const;

/** A file path inside a bundle: relative, forward slashes, no `..`, no hidden segments. */
export const BundlePath = c(
  'BundlePath',
  z
    .string()
    .max(300)
    // Segments of letters, digits, `.`, `_`, `-`, none starting with a dot: no `..`, no hidden files.
    .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/, {
      error: 'expected a relative path inside the bundle',
    }),
);

/** One line of a bundle's NDJSON log. */
export const LogEntry = c(
  'LogEntry',
  z.object({
    ts: timestamp(),
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
    msg: z.string().max(100_000),
    step_id: z.string().optional(),
    stream: z.enum(['stdout', 'stderr', 'runner']).optional(),
    fields: jsonObject().optional(),
  }),
);
export type LogEntry = z.infer<typeof LogEntry>;

/** Where a value was redacted in a snapshot, and why. */
export const Redaction = c(
  'Redaction',
  z.object({
    path: z.string().meta({ description: 'JSON path of the redacted value, e.g. `env.POSTGRES_PASSWORD`.' }),
    reason: z.enum(['key_name', 'secret_value', 'secret_ref']),
  }),
);
export type Redaction = z.infer<typeof Redaction>;

/** A configuration snapshot, with secrets replaced by `[redacted]` and the places listed. */
export const ConfigSnapshot = c(
  'ConfigSnapshot',
  z.object({
    snapshot_version: z.literal(1),
    name: slug('a snapshot name'),
    title: z.string().max(200).optional(),
    taken_at: timestamp(),
    step_id: z.string().optional(),
    target: z
      .string()
      .max(200)
      .optional()
      .meta({ description: 'What the configuration belongs to (device id, host).' }),
    format: z.enum(['json', 'yaml', 'toml', 'text']),
    content: json().meta({ description: 'The configuration (for text formats, a string).' }),
    redactions: z.array(Redaction),
  }),
);
export type ConfigSnapshot = z.infer<typeof ConfigSnapshot>;

/** An artifact a run produced (a rendered file, a report), by path inside the bundle or URL. */
export const Artifact = c(
  'Artifact',
  z.object({
    name: z.string().min(1).max(200),
    path: BundlePath.optional(),
    url: z.string().max(2000).optional(),
    media_type: z.string().max(100).optional(),
    bytes: z.int().min(0).optional(),
    step_id: z.string().optional(),
  }),
);
export type Artifact = z.infer<typeof Artifact>;

/** `run.json`: the run record plus what the KB needs to render the bundle. */
export const RunBundle = c(
  'RunBundle',
  z.object({
    bundle_version: z.literal(1),
    project: slug('a project slug'),
    date: isoDate(),
    title: z.string().max(300).optional(),
    run: RunRecord,
    logs: z.array(
      z.object({ path: BundlePath, step_id: z.string().optional(), lines: z.int().min(0).optional() }),
    ),
    snapshots: z.array(
      z.object({ path: BundlePath, name: slug('a snapshot name'), step_id: z.string().optional() }),
    ),
    artifacts: z.array(Artifact),
    postmortem: BundlePath.optional(),
  }),
);
export type RunBundle = z.infer<typeof RunBundle>;

/** Front matter of `postmortem.md`. */
export const PostmortemFrontMatter = c(
  'PostmortemFrontMatter',
  z.object({
    title: z.string().min(1).max(300),
    automation_run_id: RunId,
    deployment_id: DeploymentId,
    project: slug('a project slug'),
    status: z.enum(['draft', 'reviewed', 'final']),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    started_at: timestamp(),
    detected_at: timestamp().optional(),
    resolved_at: timestamp().optional(),
    failed_step: z.string().optional(),
    ticket_id: z.string().optional(),
    authors: z.array(z.string()).optional(),
  }),
);
export type PostmortemFrontMatter = z.infer<typeof PostmortemFrontMatter>;
