import { renameSync, writeFileSync } from 'node:fs';
import { isSecretKey, parseContract, REDACTED } from '@fieldops/contracts';
import * as automation from '@fieldops/contracts/automation/v1';
import * as kb from '@fieldops/contracts/kb/v1';
import type { Clock } from '@fieldops/core';
import { createRedactor, type Redactor } from '@fieldops/core/secrets';
import { clockOfDates } from '../../internal/clock.js';
import { NdjsonFile } from './ndjson-log.js';
import { buildBundleRelativeDir, ensureDirInside, resolveInside, validateBundlePath } from './paths.js';
import { buildPostmortem } from './postmortem.js';

const L = kb.RUN_BUNDLE_LAYOUT;
const MAX_MSG = 100_000;

/** Options of {@link createRunRecorder}. */
export interface RunRecorderOptions {
  /** Absolute path of the KB root; nothing is written outside it. */
  kbRoot: string;
  project: string;
  /** `YYYY-MM-DD` (UTC date the run started). */
  date: string;
  runId: string;
  /** Knows the resolved secret values; every line, snapshot and file is redacted through it. */
  redactor?: Redactor;
  /** The clock (core's `Clock`) of line and snapshot time stamps; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  /** fsync every log line (default false: one `write` per line, which survives a process crash). */
  fsync?: boolean;
  /** Handlebars template of the postmortem body. */
  postmortemTemplate?: string;
}

/** A log line as handed to the recorder (`ts` defaults to now). */
export type LogInput = Omit<kb.LogEntry, 'ts' | 'fields'> & { ts?: string; fields?: Record<string, unknown> };

/** A snapshot as handed to the recorder: the content is redacted before anything is written. */
export interface SnapshotInput {
  name: string;
  title?: string;
  step_id?: string;
  target?: string;
  format: kb.ConfigSnapshot['format'];
  content: unknown;
}

/** An artifact as handed to the recorder. */
export interface ArtifactInput {
  /** Path under `artifacts/` (BundlePath rules). */
  name: string;
  content: string | Uint8Array;
  media_type?: string;
  step_id?: string;
}

/**
 * Writes one run bundle: `run.json`, NDJSON logs flushed line by line, redacted config snapshots,
 * artifacts, and the postmortem. Every name is validated; every file lands under the bundle directory.
 */
export class RunRecorder {
  /** Absolute bundle directory. */
  readonly dir: string;
  /** Bundle directory relative to the KB root (`projects/<p>/runs/<date>/<run id>`). */
  readonly relativeDir: string;
  readonly #o: RunRecorderOptions;
  readonly #clock: Clock;
  readonly #redactor: Redactor;
  readonly #logs = new Map<string, { file: NdjsonFile; step_id?: string }>();
  readonly #snapshots: RunBundleSnapshotRef[] = [];
  readonly #artifacts: kb.Artifact[] = [];
  #postmortem: string | undefined;
  #bytes = 0;

  constructor(options: RunRecorderOptions) {
    this.#o = options;
    this.#clock = clockOfDates(options);
    this.#redactor = options.redactor ?? createRedactor();
    this.relativeDir = buildBundleRelativeDir(options.project, options.date, options.runId);
    this.dir = ensureDirInside(options.kbRoot, this.relativeDir);
  }

  /** Total bytes written into the bundle so far (including rewrites of run.json). */
  get bytesWritten(): number {
    let total = this.#bytes;
    for (const { file } of this.#logs.values()) total += file.bytes;
    return total;
  }

  #now(): string {
    return new Date(this.#clock.now()).toISOString();
  }

  #path(rel: string): string {
    validateBundlePath(rel);
    return resolveInside(this.#o.kbRoot, `${this.relativeDir}/${rel}`);
  }

  #write(rel: string, data: string | Uint8Array): void {
    const target = this.#path(rel);
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    if (parent) ensureDirInside(this.#o.kbRoot, `${this.relativeDir}/${parent}`);
    // Write then rename: a reader (the KB build) never sees half a file.
    const tmp = `${target}.partial`;
    writeFileSync(tmp, data);
    renameSync(tmp, target);
    this.#bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  }

  #logFile(stepId: string | undefined): NdjsonFile {
    const key = stepId ?? '';
    const open = this.#logs.get(key);
    if (open) return open.file;
    const rel = `${L.logsDir}/${stepId ?? 'run'}.ndjson`;
    ensureDirInside(this.#o.kbRoot, `${this.relativeDir}/${L.logsDir}`);
    const file = new NdjsonFile(this.#path(rel), { fsync: this.#o.fsync ?? false });
    this.#logs.set(key, stepId === undefined ? { file } : { file, step_id: stepId });
    return file;
  }

  /** Appends a log line (to `logs/<step id>.ndjson`, or `logs/run.ndjson` without a step), redacted. */
  log(input: LogInput): void {
    let msg = this.#redactor.redactString(input.msg);
    if (msg.length > MAX_MSG) msg = `${msg.slice(0, MAX_MSG - 1)}…`;
    const entry: kb.LogEntry = {
      ts: input.ts ?? this.#now(),
      level: input.level,
      msg,
      ...(input.step_id !== undefined ? { step_id: input.step_id } : {}),
      ...(input.stream !== undefined ? { stream: input.stream } : {}),
      ...(input.fields !== undefined
        ? { fields: this.#redactor.redactValue(toJson(input.fields)) as kb.LogEntry['fields'] }
        : {}),
    };
    this.#logFile(input.step_id).append(entry);
  }

  /** Writes `snapshots/<name>.json`, secrets redacted by key name and by value; returns its path. */
  snapshot(input: SnapshotInput): string {
    const redactions: kb.Redaction[] = [];
    const onRedact = (path: string, reason: kb.Redaction['reason']) =>
      redactions.push({ path: path || '(root)', reason });
    let content: unknown;
    if (typeof input.content === 'string') {
      content = redactText(input.content, this.#redactor, onRedact);
    } else {
      content = this.#redactor.redactValue(toJson(input.content), onRedact);
    }
    const snapshot = parseContract(kb.ConfigSnapshot, {
      snapshot_version: 1,
      name: input.name,
      ...(input.title !== undefined ? { title: shorten(this.#redactor.redactString(input.title), 200) } : {}),
      taken_at: this.#now(),
      ...(input.step_id !== undefined ? { step_id: input.step_id } : {}),
      ...(input.target !== undefined
        ? { target: shorten(this.#redactor.redactString(input.target), 200) }
        : {}),
      format: input.format,
      content,
      redactions,
    });
    const rel = `${L.snapshotsDir}/${snapshot.name}.json`;
    this.#write(rel, `${JSON.stringify(snapshot, null, 2)}\n`);
    const ref: RunBundleSnapshotRef = { path: rel, name: snapshot.name };
    if (input.step_id !== undefined) ref.step_id = input.step_id;
    const existing = this.#snapshots.findIndex((s) => s.path === rel);
    if (existing === -1) this.#snapshots.push(ref);
    else this.#snapshots[existing] = ref;
    return rel;
  }

  /** Writes `artifacts/<name>`; text is redacted by value. */
  artifact(input: ArtifactInput): kb.Artifact {
    const rel = validateBundlePath(`${L.artifactsDir}/${input.name}`);
    const data =
      typeof input.content === 'string' ? redactText(input.content, this.#redactor, () => {}) : input.content;
    this.#write(rel, data);
    const artifact: kb.Artifact = {
      name: input.name,
      path: rel,
      bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength,
      ...(input.media_type !== undefined ? { media_type: input.media_type } : {}),
      ...(input.step_id !== undefined ? { step_id: input.step_id } : {}),
    };
    // Written again (a retried step): one entry per path, the latest.
    const existing = this.#artifacts.findIndex((x) => x.path === rel);
    if (existing === -1) this.#artifacts.push(artifact);
    else this.#artifacts[existing] = artifact;
    return artifact;
  }

  /** Writes `postmortem.md` for a failed run; returns its bundle path. */
  postmortem(
    run: automation.RunRecord,
    options: { severity?: kb.PostmortemFrontMatter['severity']; title?: string } = {},
  ): string {
    const { markdown } = buildPostmortem({
      run,
      ...options,
      ...(this.#o.postmortemTemplate !== undefined ? { template: this.#o.postmortemTemplate } : {}),
    });
    this.#write(L.postmortemFile, this.#redactor.redactString(markdown));
    this.#postmortem = L.postmortemFile;
    return L.postmortemFile;
  }

  /** The bundle document for `run` (what `run.json` holds), validated against kb.v1.RunBundle. */
  buildBundle(run: automation.RunRecord, title?: string): kb.RunBundle {
    const logs = [...this.#logs.entries()].map(([key, { file, step_id }]) => ({
      path: `${L.logsDir}/${key === '' ? 'run' : key}.ndjson`,
      ...(step_id !== undefined ? { step_id } : {}),
      lines: file.lines,
    }));
    const redactedRun = this.#redactor.redactValue(run) as automation.RunRecord;
    return parseContract(kb.RunBundle, {
      bundle_version: 1,
      project: this.#o.project,
      date: this.#o.date,
      // The spec's description may run to 2,000 characters; a bundle title holds 300.
      ...(title !== undefined ? { title: shorten(this.#redactor.redactString(title), 300) } : {}),
      run: parseContract(automation.RunRecord, redactedRun),
      logs,
      snapshots: this.#snapshots,
      artifacts: this.#artifacts,
      ...(this.#postmortem !== undefined ? { postmortem: this.#postmortem } : {}),
    });
  }

  /** Writes (or rewrites) `run.json`, atomically. */
  writeRun(run: automation.RunRecord, title?: string): kb.RunBundle {
    const bundle = this.buildBundle(run, title);
    this.#write(L.runFile, `${JSON.stringify(bundle, null, 2)}\n`);
    return bundle;
  }

  /** Closes the log files. */
  close(): void {
    for (const { file } of this.#logs.values()) file.close();
  }
}

interface RunBundleSnapshotRef {
  path: string;
  name: string;
  step_id?: string;
}

/** Opens (creates) the bundle directory of a run and returns its recorder. */
export function createRunRecorder(options: RunRecorderOptions): RunRecorder {
  return new RunRecorder(options);
}

// Drops what JSON cannot hold (undefined, functions) the way JSON.stringify would, keeping Secrets
// (their toJSON prints [redacted]).
function toJson(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

// Text snapshots: values of `KEY=value` / `key: value` lines whose key names a secret, then any known
// secret value anywhere.
function redactText(
  text: string,
  redactor: Redactor,
  onRedact: (path: string, reason: 'key_name' | 'secret_value') => void,
): string {
  const lines = text.split('\n').map((line, i) => {
    const m = /^(\s*(?:export\s+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*)(.+)$/.exec(line);
    if (m && isSecretKey(m[2]!) && !/^\$\{?[A-Za-z_]/.test(m[3]!.trim()) && m[3]!.trim() !== REDACTED) {
      onRedact(`(line ${i + 1})`, 'key_name');
      return `${m[1]}${REDACTED}`;
    }
    return line;
  });
  const joined = lines.join('\n');
  const out = redactor.redactString(joined);
  if (out !== joined) onRedact('(text)', 'secret_value');
  return out;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
