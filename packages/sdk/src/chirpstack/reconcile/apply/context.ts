import type { PlanChange } from '@fieldops/contracts/chirpstack/v1';
import type { ObservedStatePatch } from '@fieldops/contracts/registry/v1';
import type { Clock } from '@fieldops/core';
import type { ChirpStackClient } from '../../chirpstack-client.js';
import { ChirpStackError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { RegistryLink } from '../desired.js';
import type { ApplyJournal } from '../journal.js';
import { runPool } from '../pool.js';
import type { RunRecorder } from '../run-journal.js';
import type { ResolveSecret } from '../secrets.js';
import type { PlanStep, ReconcileProgress } from '../steps.js';

/**
 * The part of the RegistryClient (packages/sdk/src/registry) the write-back uses, declared here so
 * any object with this method works.
 */
export interface RegistryWriteBack {
  patchObservedState(
    deviceId: string,
    patch: ObservedStatePatch,
    options?: { ifMatch?: string },
  ): Promise<unknown>;
}

/** The part of the client apply writes (and re-reads, to adopt what exists) with. */
export type ApplyWriter = Pick<
  ChirpStackClient,
  | 'createTenant'
  | 'updateTenant'
  | 'createApplication'
  | 'updateApplication'
  | 'deleteApplication'
  | 'createDeviceProfile'
  | 'updateDeviceProfile'
  | 'deleteDeviceProfile'
  | 'createGateway'
  | 'updateGateway'
  | 'deleteGateway'
  | 'createDevice'
  | 'updateDevice'
  | 'deleteDevice'
  | 'createDeviceKeys'
  | 'updateDeviceKeys'
  | 'listTenants'
  | 'listApplications'
  | 'getApplication'
  | 'listDeviceProfiles'
  | 'getDevice'
  | 'getGateway'
  | 'getDeviceKeys'
>;

/** Options of `applyPlan`. */
export interface ApplyOptions {
  /** Devices and gateways written at once (default 16). */
  concurrency?: number;
  /** Resolves key SecretRefs (required when the plan writes keys). */
  resolveSecret?: ResolveSecret;
  /** Writes `external_refs.chirpstack.*` and observed state back to the registry. */
  registry?: RegistryWriteBack;
  /** Records multi-step work so a crashed run can be finished (see {@link ApplyJournal}). */
  journal?: ApplyJournal;
  /**
   * Who applied what: an intent before each change, its outcome after (see `startRun`). An intent
   * that throws (the site lock was lost) stops the run before that change.
   */
  recorder?: RunRecorder;
  /** Stops starting new work when aborted; work in flight finishes. */
  signal?: AbortSignal;
  logger?: Logger;
  /** The clock (core's `Clock`); time stamps and the duration read it. Default: the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  /** Called as each plan step finishes (applied, unchanged or failed): `done` of `total` steps. */
  onProgress?: (progress: ReconcileProgress) => void;
}

/** One entity that failed; the run goes on without it. */
export interface ApplyError {
  entity: PlanChange['entity'] | 'registry';
  key: string;
  action: PlanChange['action'];
  code: string;
  message: string;
}

/** What an apply did. */
export interface ApplyResult {
  /** Entities written (create, update or delete). */
  applied: number;
  /** Entities left as they were because the plan said unchanged. */
  unchanged: number;
  /** Entities not attempted (a dependency failed, or the run was aborted). */
  skipped: number;
  /** Registry records written back. */
  written_back: number;
  errors: ApplyError[];
  duration_ms: number;
}

/** A key write that failed: reported against the `device_keys` entity, not the device. */
export class KeysWriteFailed {
  constructor(readonly cause: unknown) {}
}

/** What every applier shares. */
export interface ApplyContext {
  readonly client: ApplyWriter;
  readonly options: ApplyOptions;
  readonly result: ApplyResult;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly resolve: (ref: string) => Promise<string>;
  /** Ids by name, filled as entities are created or adopted. */
  readonly ids: { tenant?: string; apps: Record<string, string>; profiles: Record<string, string> };
  fail(step: { change: PlanChange }, error: unknown, entity?: ApplyError['entity']): void;
  skip(step: PlanStep, why: string): void;
  /** Counts one finished step of `total` and tells `options.onProgress`. */
  stepDone(): void;
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof ChirpStackError) return { code: error.code, message: error.message };
  const e = error as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : 'error', message: String(e?.message ?? error) };
}

/** Builds the shared context of one apply run. */
export function createApplyContext(
  client: ApplyWriter,
  options: ApplyOptions,
  deps: Pick<ApplyContext, 'logger' | 'now' | 'resolve' | 'ids'> & { total: number },
): ApplyContext {
  let done = 0;
  const result: ApplyResult = {
    applied: 0,
    unchanged: 0,
    skipped: 0,
    written_back: 0,
    errors: [],
    duration_ms: 0,
  };
  const { total, ...shared } = deps;
  return {
    client,
    options,
    result,
    ...shared,
    stepDone() {
      done += 1;
      options.onProgress?.({ phase: 'apply', done, total });
    },
    fail(step, error, entity) {
      const { code, message } = describe(error);
      const e = entity ?? step.change.entity;
      result.errors.push({ entity: e, key: step.change.key, action: step.change.action, code, message });
      deps.logger.warn({ entity: e, key: step.change.key, code }, 'chirpstack apply: entity failed');
    },
    skip(step, why) {
      result.skipped += 1;
      result.errors.push({
        entity: step.change.entity,
        key: step.change.key,
        action: step.change.action,
        code: 'skipped',
        message: `chirpstack: ${why}`,
      });
    },
  };
}

/** True when a step has work even though its entity is unchanged (keys, write-back). */
function hasExtraWork(s: PlanStep): boolean {
  return (
    (s.kind === 'device' && (s.keys !== 'none' || s.writeBack)) ||
    (s.kind === 'gateway' && s.writeBack === true)
  );
}

/** Runs `work` over `steps` with `width` in flight; failures are recorded per step, the run goes on. */
export async function runSteps(
  ctx: ApplyContext,
  steps: PlanStep[],
  width: number,
  work: (s: PlanStep) => Promise<void>,
): Promise<void> {
  const started = new Set<PlanStep>();
  await runPool(
    steps,
    width,
    async (s) => {
      started.add(s);
      if (s.action === 'unchanged' && !hasExtraWork(s)) {
        ctx.result.unchanged += 1;
        ctx.stepDone();
        return;
      }
      const recorder = ctx.options.recorder;
      const seq = recorder ? await recorder.intent(s.change) : 0;
      const before = ctx.result.errors.length;
      try {
        await work(s);
      } catch (error) {
        if (error instanceof KeysWriteFailed) ctx.fail(s, error.cause, 'device_keys');
        else ctx.fail(s, error);
      }
      if (recorder) {
        const failed = ctx.result.errors.slice(before).find((e) => e.key === s.change.key);
        await recorder.outcome(seq, !failed, failed?.code);
      }
      ctx.stepDone();
    },
    ctx.options.signal,
  );
  // Aborted: what never started is reported, so the caller knows the run is partial.
  for (const s of steps) if (!started.has(s) && s.action !== 'unchanged') ctx.skip(s, 'the run was aborted');
}

/** Write-back merges into the data it read and sends that version: a concurrent writer gets a 412, not a loss. */
export function writeBackBase(link: RegistryLink): { expected_version?: number } {
  return link.observed ? { expected_version: link.observed.version } : {};
}
