import type { IdGenerator } from '@fieldops/contracts';
import type * as automation from '@fieldops/contracts/automation/v1';
import type * as kb from '@fieldops/contracts/kb/v1';
import type { Clock, Tracer } from '@fieldops/core';
import type { Redactor } from '@fieldops/core/secrets';
import type { Logger } from './logger.js';
import type { Sleep } from './retry.js';
import type { ActionHandlers, AutomationRegistry, EventSink, SecretSource } from './types.js';

/** Where run bundles go. */
export interface KbOptions {
  /** Absolute path of the KB root (e.g. `website/kb`). */
  root: string;
  /** Public URL of the KB root, for links in the run record and tickets (default: relative paths). */
  baseUrl?: string;
  /**
   * Public URL of the KB's run pages, i.e. the site URL plus the runs plugin's `routeBasePath`
   * (e.g. `https://kb.example.com/runs`). When set, the run record and the ticket link to the run's
   * page, `<pagesUrl>/<project>/<YYYY-MM-DD>/<automation_run_id>/`, as @fieldops/docusaurus-plugin-runs routes it.
   */
  pagesUrl?: string;
  /** Handlebars template of the postmortem body. */
  postmortemTemplate?: string;
  /** fsync every log line (default false). */
  fsync?: boolean;
  /**
   * Minimum time between rewrites of `run.json` while the run goes (default 1000 ms; 0 rewrites it at
   * every change). It is always written at the start and the end; logs are never throttled.
   */
  checkpointMs?: number;
}

/** Options of {@link runSpec}. */
export interface RunSpecOptions {
  /** Handlers by action kind; kinds left out use {@link createDefaultHandlers}. */
  handlers?: ActionHandlers;
  /** Registry client (write-back and tickets): any object with the three methods. */
  registry?: AutomationRegistry;
  /** Run bundle destination; no bundle without it. */
  kb?: KbOptions;
  /** Secret resolver (default: env and file providers). Its redactor is used when it has one. */
  secrets?: SecretSource & { redactor?: Redactor };
  /** Redactor shared with the secret resolver; every resolved value is kept out of logs and files. */
  redactor?: Redactor;
  logger?: Logger;
  events?: EventSink;
  /** `source` of the run events (default `/automation/runner`). */
  eventSource?: string;
  signal?: AbortSignal;
  /** Print what would be done; call no handler. */
  dryRun?: boolean;
  /** Where a dry run prints (default stdout). */
  print?: (line: string) => void;
  /** Timeout of a step without `timeout_s` (default 30 min). */
  defaultTimeoutMs?: number;
  /** Fixed run id (default: a new `run_…`). */
  runId?: string;
  /** Where the run reads the time (default the system clock): timeline stamps, durations, bundle dates. */
  clock?: Clock;
  /** @deprecated Use `clock` (core's Clock); read only when `clock` is not given. */
  now?: () => Date;
  ids?: IdGenerator;
  sleep?: Sleep;
  /**
   * A tracer (core's `Tracer`; OpenTelemetry's `trace.getTracer(name)` fits): one span for the run and a child span per step attempt; the run's trace id
   * goes into the record (`trace_id`) and the events (`traceparent`). Nothing is traced without one.
   */
  tracer?: Tracer;
  /** Who runs (default `@fieldops/sdk` on this host). */
  runner?: automation.RunRecord['runner'];
}

/** What {@link runSpec} returns. */
export interface RunResult {
  status: automation.RunStatus;
  record: automation.RunRecord;
  /** Absolute bundle directory, when a KB was given. */
  bundleDir: string | undefined;
  /** The `run.json` written, when a KB was given. */
  bundle: kb.RunBundle | undefined;
  /** The dry-run plan lines (empty for a real run). */
  plan: string[];
  /** Registry write-back calls made and failed. */
  writeBack: { calls: number; failures: number };
  /** Bytes written into the bundle, rewrites of run.json included (0 without a KB). */
  bundleBytesWritten: number;
}
