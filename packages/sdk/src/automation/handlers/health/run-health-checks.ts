import { performance } from 'node:perf_hooks';
import type * as automation from '@fieldops/contracts/automation/v1';
import { AutomationError } from '../../errors.js';
import type { ActionHandler, HandlerContext } from '../../types.js';
import { probeHttp, probeTcp, probeUdp } from './probes.js';

/** The result of one check, with its timing. */
export interface HealthCheckResult {
  name: string;
  type: automation.HealthCheck['type'];
  target: string;
  ok: boolean;
  duration_ms: number;
  detail: string;
}

/** Reads a ChirpStack gateway's state (ONLINE / OFFLINE / NEVER_SEEN). */
export interface GatewayStateReader {
  gatewayState(gatewayEui: string, ctx: HandlerContext): Promise<'online' | 'offline' | 'never_seen'>;
}

/** Reads an RFID station's status (GET /api/v1/stations/{id}/status). */
export interface StationStatusReader {
  stationState(
    station: { station_id?: string; device_id?: string },
    ctx: HandlerContext,
  ): Promise<'online' | 'degraded' | 'offline' | 'unclaimed'>;
}

/** Options of {@link createRunHealthChecksHandler}. */
export interface RunHealthChecksHandlerOptions {
  /** Where TCP/UDP probes really go (e.g. a site's host names mapped to addresses). Default: as written. */
  resolveAddress?: (host: string, port: number) => { host: string; port: number };
  /** fetch for HTTP checks (default global fetch). */
  fetch?: typeof fetch;
  gateways?: GatewayStateReader;
  stations?: StationStatusReader;
  /** Default timeouts (ms): TCP and HTTP 5000, UDP 1000. */
  defaultTimeoutMs?: { tcp?: number; udp?: number; http?: number };
}

/** The `run_health_checks` handler interface. */
export type RunHealthChecksHandler = ActionHandler<'run_health_checks'>;

function targetOf(check: automation.HealthCheck): string {
  switch (check.type) {
    case 'tcp':
    case 'udp':
      return `${check.host}:${check.port}`;
    case 'http':
      return check.url;
    case 'chirpstack_gateway_online':
      return check.gateway_eui;
    case 'rfid_station_status':
      return check.station;
  }
}

/**
 * `run_health_checks`: runs every check (in parallel), records each result with its timing in the
 * bundle (`artifacts/<step>/health-checks.json`), and fails the step when one fails.
 */
export function createRunHealthChecksHandler(
  options: RunHealthChecksHandlerOptions = {},
): RunHealthChecksHandler {
  const addr = options.resolveAddress ?? ((host, port) => ({ host, port }));
  const t = { tcp: 5000, udp: 1000, http: 5000, ...options.defaultTimeoutMs };

  async function one(check: automation.HealthCheck, ctx: HandlerContext): Promise<HealthCheckResult> {
    const started = performance.now();
    const target = targetOf(check);
    const name = check.name ?? `${check.type} ${target}`;
    let ok = false;
    let detail = '';
    try {
      switch (check.type) {
        case 'tcp': {
          const a = addr(check.host, check.port);
          ({ ok, detail } = await probeTcp(a.host, a.port, check.timeout_ms ?? t.tcp, ctx.signal));
          break;
        }
        case 'udp': {
          const a = addr(check.host, check.port);
          const payload = Buffer.from(check.payload_hex ?? '', 'hex');
          ({ ok, detail } = await probeUdp(
            a.host,
            a.port,
            payload,
            check.expect_reply ?? false,
            check.timeout_ms ?? t.udp,
            ctx.signal,
          ));
          break;
        }
        case 'http': {
          const expect = {
            ...(check.expect_status !== undefined ? { status: check.expect_status } : {}),
            ...(check.expect_body_contains !== undefined ? { bodyContains: check.expect_body_contains } : {}),
          };
          ({ ok, detail } = await probeHttp(
            options.fetch ?? globalThis.fetch,
            check.url,
            expect,
            check.timeout_ms ?? t.http,
            ctx.signal,
          ));
          break;
        }
        case 'chirpstack_gateway_online': {
          if (!options.gateways) throw new Error('no ChirpStack gateway state reader configured');
          const state = await options.gateways.gatewayState(check.gateway_eui, ctx);
          ok = state === 'online';
          detail = `gateway ${state}`;
          break;
        }
        case 'rfid_station_status': {
          if (!options.stations) throw new Error('no RFID station status reader configured');
          const expected = check.expect_state ?? 'online';
          const station = check.station.startsWith('stn_')
            ? { station_id: check.station }
            : (() => {
                const target = ctx.spec.targets.stations.find((s) => s.device_id === check.station);
                return target?.station_id
                  ? { station_id: target.station_id, device_id: check.station }
                  : { device_id: check.station };
              })();
          const state = await options.stations.stationState(station, ctx);
          ok = state === expected;
          detail = `station ${state}${ok ? '' : `, expected ${expected}`}`;
          break;
        }
      }
    } catch (error) {
      ok = false;
      detail = (error as Error).message ?? String(error);
    }
    return {
      name,
      type: check.type,
      target,
      ok,
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
      detail,
    };
  }

  return {
    describe(a) {
      return a.checks.map((c) => `check ${c.name ?? c.type} (${c.type} ${targetOf(c)})`);
    },
    async run(a, ctx) {
      const results = await Promise.all(a.checks.map((c) => one(c, ctx)));
      for (const r of results) {
        (r.ok ? ctx.log.info : ctx.log.warn)(
          `${r.ok ? 'PASS' : 'FAIL'} ${r.name}: ${r.detail} (${r.duration_ms} ms)`,
          { check: r },
        );
      }
      ctx.artifact({
        name: `${ctx.stepId}/health-checks.json`,
        content: `${JSON.stringify({ attempt: ctx.attempt, results }, null, 2)}\n`,
        media_type: 'application/json',
      });
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0) {
        throw new AutomationError(
          'health_check_failed',
          `${failed.length} of ${results.length} health checks failed: ${failed.map((f) => `${f.name} (${f.detail})`).join('; ')}`,
        );
      }
      return {
        outputs: { checks: results.map((r) => ({ ...r })) },
        message: `${results.length} health checks passed`,
      };
    },
  };
}
