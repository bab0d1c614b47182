import type { registry } from '@fieldops/contracts';
import type { Clock, Logger } from '@fieldops/core';

/** The part of the registry client the batcher writes with. */
export interface ObservedStateWriter {
  getDevice(deviceId: string): Promise<{ device: registry.Device; etag: string | undefined }>;
  patchObservedState(
    deviceId: string,
    patch: registry.ObservedStatePatch,
    options?: { ifMatch?: string },
  ): Promise<registry.Device>;
}

/** Options of {@link createObservedStateBatcher}. */
export interface ObservedStateBatcherOptions {
  registry: ObservedStateWriter;
  /** The key under `observed_state.data` this writer owns (default `chirpstack`). */
  key?: string;
  /** `source` of the patches (default `chirpstack`). */
  source?: registry.ObservedStatePatch['source'];
  /** Flush every this many ms once started (default 5,000). */
  intervalMs?: number;
  /** Writes in flight at once (default 4). */
  concurrency?: number;
  /** Attempts per device when the record changed under us (412; default 3). */
  maxAttempts?: number;
  /** The clock (core's `Clock`) of the time stamps; default the system clock. */
  clock?: Clock;
  /** @deprecated Pass `clock`. */
  now?: () => Date;
  logger?: Logger;
}

/** What one flush did. */
export interface FlushResult {
  written: number;
  unchanged: number;
  /** Devices left pending for the next flush, with why. */
  failed: { device_id: string; error: string }[];
}

/** Collects observed-state changes per device and writes the latest of each in batches. */
export interface ObservedStateBatcher {
  /** Merges `fields` into the device's pending observed state (the latest value of a field wins). */
  record(deviceId: string, fields: Record<string, unknown>): void;
  /** Writes everything pending now. */
  flush(): Promise<FlushResult>;
  /** Devices with changes not yet written. */
  pending(): number;
  start(): void;
  /** Stops the timer and writes what is pending. */
  stop(): Promise<FlushResult>;
}

function isPrecondition(error: unknown): boolean {
  const e = error as { status?: number; name?: string };
  return e?.status === 412 || e?.name === 'PreconditionFailedError';
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Batched, ETag-safe observed-state writes: many MQTT events for one device become one PATCH per
 * flush, with `expected_version` and `If-Match` from a fresh read; a 412 (someone else wrote) re-reads
 * and merges again; only this writer's key under `observed_state.data` is replaced, other writers'
 * keys are kept. A device whose write fails stays pending for the next flush.
 */
export function createObservedStateBatcher(options: ObservedStateBatcherOptions): ObservedStateBatcher {
  const key = options.key ?? 'chirpstack';
  const source = options.source ?? 'chirpstack';
  const clock = options.clock;
  const now = clock ? () => new Date(clock.now()) : (options.now ?? (() => new Date()));
  const maxAttempts = options.maxAttempts ?? 3;
  let pendingByDevice = new Map<string, Record<string, unknown>>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let flushing: Promise<FlushResult> | undefined;

  async function writeOne(
    deviceId: string,
    fields: Record<string, unknown>,
  ): Promise<'written' | 'unchanged'> {
    for (let attempt = 1; ; attempt++) {
      const { device, etag } = await options.registry.getDevice(deviceId);
      const current = (device.observed_state?.data[key] ?? {}) as Record<string, unknown>;
      const next = { ...current, ...fields };
      if (same(current, next)) return 'unchanged';
      try {
        await options.registry.patchObservedState(
          deviceId,
          {
            ...(device.observed_state ? { expected_version: device.observed_state.version } : {}),
            data: { ...device.observed_state?.data, [key]: next } as registry.ObservedStatePatch['data'],
            source,
            observed_at: now().toISOString(),
          },
          etag ? { ifMatch: etag } : {},
        );
        return 'written';
      } catch (error) {
        if (!isPrecondition(error) || attempt >= maxAttempts) throw error;
      }
    }
  }

  async function flushNow(): Promise<FlushResult> {
    const batch = pendingByDevice;
    pendingByDevice = new Map();
    const result: FlushResult = { written: 0, unchanged: 0, failed: [] };
    const entries = [...batch.entries()];
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const [deviceId, fields] = entries[next++]!;
        try {
          result[await writeOne(deviceId, fields)] += 1;
        } catch (error) {
          result.failed.push({ device_id: deviceId, error: String((error as Error)?.message ?? error) });
          // Keep it for the next flush, under anything recorded meanwhile (newer values win).
          pendingByDevice.set(deviceId, { ...fields, ...pendingByDevice.get(deviceId) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, entries.length) }, worker));
    if (entries.length > 0)
      options.logger?.info(
        {
          operation: 'registry.observed_state.flush',
          written: result.written,
          unchanged: result.unchanged,
          failed: result.failed.length,
        },
        'observed state flushed',
      );
    return result;
  }

  const flush = async (): Promise<FlushResult> => {
    // One flush at a time: a timer tick during a slow flush waits for it.
    while (flushing) await flushing;
    flushing = flushNow();
    try {
      return await flushing;
    } finally {
      flushing = undefined;
    }
  };

  return {
    record(deviceId, fields) {
      pendingByDevice.set(deviceId, { ...pendingByDevice.get(deviceId), ...fields });
    },
    flush,
    pending: () => pendingByDevice.size,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        flush().catch(() => {});
      }, options.intervalMs ?? 5000);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      return await flush();
    },
  };
}
