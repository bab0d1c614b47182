// The user actions the cockpit accepts (contract cockpit.v1.UserAction): acknowledging an incident
// and silencing an alert. Each is done as the operator whose bearer token came with it: notify
// checks the token and records the operator's name, so the record says who did it.

import { safeParseContract } from '@fieldops/contracts';
import {
  AcknowledgeContext,
  COCKPIT_ACTIONS,
  SilenceContext,
  UserAction,
} from '@fieldops/contracts/cockpit/v1';
import { type Clock, systemClock } from '@fieldops/core';
import type { NotifyClient } from './notify-client.js';

/** The outcome of one action: an HTTP status and a JSON body for the renderer. */
export interface ActionOutcome {
  status: number;
  body: Record<string, unknown>;
}

/** Options of {@link handleUserAction}. */
export interface HandleActionOptions {
  notify: NotifyClient;
  /** The operator's bearer token (from the request's Authorization header). */
  token: string | undefined;
  /** Where a silence's end time is counted from (default: the system clock). */
  clock?: Clock | undefined;
  /** @deprecated Use `clock`; ignored when `clock` is given. */
  now?: () => Date;
}

const problem = (status: number, code: string, detail: string): ActionOutcome => ({
  status,
  body: { type: 'about:blank', status, code, detail },
});

/** Validates one user action message and forwards it to notify. */
export async function handleUserAction(input: unknown, options: HandleActionOptions): Promise<ActionOutcome> {
  if (!options.token) return problem(401, 'unauthorized', 'cockpit: actions need an operator bearer token');
  const parsed = safeParseContract(UserAction, input);
  if (!parsed.success) return problem(400, 'input_invalid', parsed.error.message);
  const { action } = parsed.data;
  if (!(COCKPIT_ACTIONS as readonly string[]).includes(action.name)) {
    return problem(
      400,
      'unknown_action',
      `cockpit: unknown action ${action.name} (known: ${COCKPIT_ACTIONS.join(', ')})`,
    );
  }
  if (action.name === 'acknowledge_incident') {
    const ctx = safeParseContract(AcknowledgeContext, action.context);
    if (!ctx.success) return problem(400, 'input_invalid', ctx.error.message);
    const result = await options.notify.acknowledge(options.token, {
      ...ctx.data,
      note: ctx.data.note ?? `from the cockpit (${action.surfaceId}/${action.sourceComponentId})`,
    });
    return { status: 200, body: { action: action.name, result } };
  }
  const ctx = safeParseContract(SilenceContext, action.context);
  if (!ctx.success) return problem(400, 'input_invalid', ctx.error.message);
  const now = options.clock
    ? new Date(options.clock.now())
    : (options.now?.() ?? new Date(systemClock.now()));
  const matchers = [{ name: 'alertname', value: ctx.data.alertname }];
  // notify labels an alert's site `site` (notify/src/sources/source.ts baseLabels).
  if (ctx.data.site_id) matchers.push({ name: 'site', value: ctx.data.site_id });
  const result = await options.notify.silence(options.token, {
    matchers,
    ends_at: new Date(now.getTime() + ctx.data.minutes * 60_000).toISOString(),
    comment: ctx.data.comment ?? `silenced from the cockpit for ${ctx.data.minutes} min`,
  });
  return { status: 201, body: { action: action.name, result } };
}
