import type { ApiContract } from '@fieldops/contracts';
import { errorResponse, type FetchHandler, matchOperation } from '../../provider/http.js';

/** One injected fault. Fields combine: latency first, then drop or an error status. */
export interface Fault {
  /** Delay before answering (or failing), in ms. */
  latencyMs?: number;
  /** Answer with this status (and an ErrorBody) instead of calling the provider. */
  status?: number;
  /** With status 429 or 503: the `Retry-After` header, in seconds. */
  retryAfterS?: number;
  /** Drop the connection before the provider runs (the client sees a network error). */
  drop?: boolean;
  /**
   * Run the provider, then drop the connection instead of answering: the request took effect but the
   * client never learns it (what idempotency keys are for).
   */
  dropResponse?: boolean;
  /** Apply to the next `times` requests only; default every request until cleared. */
  times?: number;
}

/** Per-route fault injection for a handler (routes are the contract's operation ids, or `*`). */
export interface FaultController {
  /** Injects `fault` into `operationId` (or `*` for every route). Replaces an earlier fault there. */
  set(operationId: string, fault: Fault): void;
  /** Removes the fault of one route, or every fault. */
  clear(operationId?: string): void;
  /** Requests seen per operation id (also the ones that were faulted). */
  readonly calls: Map<string, number>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Wraps a provider handler with fault injection; returns the wrapped handler and its controller. */
export function withFaults(
  api: ApiContract,
  handler: FetchHandler,
  options: { basePath?: string } = {},
): { handler: FetchHandler; faults: FaultController } {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const faults = new Map<string, Fault>();
  const calls = new Map<string, number>();
  const controller: FaultController = {
    calls,
    set: (op, fault) => {
      faults.set(op, { ...fault });
    },
    clear: (op) => {
      if (op) faults.delete(op);
      else faults.clear();
    },
  };
  const wrapped: FetchHandler = async (request) => {
    const match = matchOperation(api, request.method, new URL(request.url).pathname, basePath);
    const op = match?.op.operationId ?? '(unknown)';
    calls.set(op, (calls.get(op) ?? 0) + 1);
    const key = faults.has(op) ? op : faults.has('*') ? '*' : undefined;
    const fault = key ? faults.get(key) : undefined;
    if (!fault) return handler(request);
    if (fault.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) faults.delete(key!);
    }
    if (fault.latencyMs) await sleep(fault.latencyMs);
    if (fault.drop) return Response.error();
    if (fault.dropResponse) {
      await handler(request);
      return Response.error();
    }
    if (fault.status) {
      const headers: Record<string, string> = {};
      if (fault.retryAfterS !== undefined) headers['retry-after'] = String(fault.retryAfterS);
      const code = fault.status === 429 ? 'rate_limited' : fault.status >= 500 ? 'unavailable' : 'injected';
      return errorResponse(fault.status, code, `injected fault on ${op}`, 'req_fault', { headers });
    }
    return handler(request);
  };
  return { handler: wrapped, faults: controller };
}
