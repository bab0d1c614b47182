import type * as automation from '@fieldops/contracts/automation/v1';
import type { ActionHandler, ActionHandlers } from './types.js';

/** What a step would do: the handler's own description, or a generic line. */
export function describeAction(
  action: automation.Action,
  spec: automation.ExecutionSpec,
  handlers: ActionHandlers,
): string[] {
  const handler = handlers[action.kind] as ActionHandler | undefined;
  if (!handler) return [`no handler for ${action.kind}: the step would fail`];
  const lines = handler.describe?.(action, spec);
  return lines && lines.length > 0
    ? lines
    : [`would run ${action.kind}${action.name ? `: ${action.name}` : ''}`];
}
