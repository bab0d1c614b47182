import type { SinkEvent } from './agent.js';

/** Hands events to the agent's outbox; resolves once they are stored (they survive a crash from then on). */
export type Emit = (events: SinkEvent | readonly SinkEvent[]) => Promise<void>;

/**
 * A source of events the agent runs besides the MQTT consumer: the RFID backend health loop, the
 * station health tracker, a fleet-sync publisher. Registered in `createAgent({ producers })` (or
 * `startSiteAgent({ producers })`), started after the outbox is open and stopped before it closes;
 * whatever it emits goes through the outbox and the relay like the telemetry does.
 */
export interface AgentProducer {
  /** Shown in logs and under `/healthz` `producers`. */
  name: string;
  start(emit: Emit): void | Promise<void>;
  stop(): void | Promise<void>;
  /** Shown under `/healthz`. */
  health?(): Record<string, unknown>;
}

/** Options of {@link createIntervalProducer}. */
export interface IntervalProducerOptions {
  name: string;
  intervalMs: number;
  /** One round: returns the events to emit (none is fine). */
  run: () => Promise<readonly SinkEvent[]> | readonly SinkEvent[];
  /** Called when a round throws (the loop goes on). */
  onError?: (error: unknown) => void;
}

/**
 * A producer that runs `run` at once and then every `intervalMs` (never two rounds at a time) and
 * emits what it returns: the shape of every level-triggered health check.
 */
export function createIntervalProducer(options: IntervalProducerOptions): AgentProducer {
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<void> | undefined;
  let rounds = 0;
  let emitted = 0;
  let lastError: string | undefined;
  return {
    name: options.name,
    start(emit) {
      const round = () => {
        if (running) return;
        running = (async () => {
          try {
            const events = await options.run();
            if (events.length > 0) await emit(events);
            emitted += events.length;
            lastError = undefined;
          } catch (error) {
            lastError = String((error as Error)?.message ?? error).slice(0, 400);
            options.onError?.(error);
          } finally {
            rounds++;
            running = undefined;
          }
        })();
      };
      round();
      timer = setInterval(round, options.intervalMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
    health: () => ({ rounds, emitted, ...(lastError ? { last_error: lastError } : {}) }),
  };
}

/** The RFID station health tracker (`@fieldops/sdk/rfid` `createStationHealthTracker`) as a producer. */
export function createStationHealthProducer(
  tracker: { evaluate(): readonly SinkEvent[] },
  intervalMs = 15_000,
): AgentProducer {
  return createIntervalProducer({ name: 'rfid-station-health', intervalMs, run: () => tracker.evaluate() });
}
