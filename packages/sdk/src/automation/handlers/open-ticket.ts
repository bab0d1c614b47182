import type * as registry from '@fieldops/contracts/registry/v1';
import { AutomationError } from '../errors.js';
import type { ActionHandler } from '../types.js';

/** The `open_ticket_on_failure` handler interface. */
export type OpenTicketHandler = ActionHandler<'open_ticket_on_failure'>;

/**
 * `open_ticket_on_failure`: opens a ticket in the CRM/PM through the registry's tickets API, with the
 * failed steps, and links to the run bundle, its logs and its postmortem. The idempotency key is the
 * run and step, so a retried step never opens a second ticket.
 */
export function createOpenTicketHandler(): OpenTicketHandler {
  return {
    describe(a) {
      return [`when an earlier step failed: open a ${a.severity} ticket${a.title ? ` "${a.title}"` : ''}`];
    },
    async run(a, ctx) {
      if (!ctx.registry) {
        throw new AutomationError(
          'registry_unavailable',
          `step ${ctx.stepId}: no registry client to open the ticket with`,
          { retryable: false },
        );
      }
      const failed = ctx.run.steps.filter((s) => s.status === 'failed');
      const links: NonNullable<registry.TicketCreate['links']> = [];
      if (ctx.bundle) {
        const base = ctx.bundle.url ?? `${ctx.bundle.relativeDir}/`;
        if (ctx.bundle.pageUrl) links.push({ rel: 'kb_page', href: ctx.bundle.pageUrl, title: 'Run page' });
        links.push({ rel: 'bundle', href: base, title: 'Run bundle' });
        links.push({ rel: 'logs', href: `${base}logs/`, title: 'Run logs' });
        links.push({ rel: 'postmortem', href: `${base}postmortem.md`, title: 'Postmortem' });
      }
      const body = [
        `Automation run \`${ctx.run.automation_run_id}\` of deployment \`${ctx.spec.deployment_id}\` (project \`${ctx.spec.project}\`) failed.`,
        '',
        ...failed.map(
          (s) => `- step \`${s.step_id}\` (${s.kind}): ${s.error?.code ?? 'error'}: ${s.message ?? ''}`,
        ),
        '',
        ...links.map((l) => `- ${l.title}: ${l.href}`),
      ].join('\n');
      const deviceIds = [
        ...ctx.spec.targets.gateways.map((g) => g.device_id),
        ...ctx.spec.targets.stations.map((s) => s.device_id),
      ];
      const ticket = await ctx.registry.createTicket(
        {
          title:
            a.title ?? `Deployment ${ctx.spec.deployment_id} failed at ${failed[0]?.step_id ?? 'a step'}`,
          body,
          severity: a.severity,
          deployment_id: ctx.spec.deployment_id,
          site_id: ctx.spec.site_id,
          automation_run_id: ctx.run.automation_run_id,
          ...(deviceIds.length > 0 ? { device_ids: deviceIds } : {}),
          labels: [...(a.labels ?? []), ...(a.assignee ? [`assignee:${a.assignee}`] : [])],
          links,
        } as registry.TicketCreate,
        { idempotencyKey: `${ctx.run.automation_run_id}:${ctx.stepId}:ticket` },
      );
      ctx.log.info(`opened ticket ${ticket.ticket_id}`, {
        ticket_id: ticket.ticket_id,
        url: ticket.url ?? null,
      });
      return {
        outputs: { ticket_id: ticket.ticket_id, ...(ticket.url ? { url: ticket.url } : {}) },
        message: `ticket ${ticket.ticket_id} opened`,
        ticket: { ticket_id: ticket.ticket_id, url: ticket.url },
      };
    },
  };
}
