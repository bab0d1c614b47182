import { parseContract } from '@fieldops/contracts';
import type * as automation from '@fieldops/contracts/automation/v1';
import * as kb from '@fieldops/contracts/kb/v1';
import { stringify } from 'yaml';
import { AUTOMATION_PEERS, requirePeer } from '../../internal/peers.js';
import { DEFAULT_POSTMORTEM_TEMPLATE } from './postmortem-template.js';

/** What a postmortem template sees. */
export interface PostmortemContext {
  title: string;
  run: automation.RunRecord;
  /** The first failed step. */
  failedStep: automation.StepResult | undefined;
  /** Steps after the failure that did not succeed (skipped, cancelled, failed). */
  impact: automation.StepResult[];
  timeline: automation.TimelineEntry[];
  links: automation.RunLink[];
  ticketId: string | undefined;
}

/** Input of {@link buildPostmortem}. */
export interface PostmortemInput {
  run: automation.RunRecord;
  severity?: kb.PostmortemFrontMatter['severity'];
  title?: string;
  template?: string;
}

/** The front matter and context of a postmortem for a failed run. */
export function buildPostmortemContext(input: PostmortemInput): {
  front: kb.PostmortemFrontMatter;
  context: PostmortemContext;
} {
  const { run } = input;
  const failedIndex = run.steps.findIndex((s) => s.status === 'failed');
  const failedStep = failedIndex === -1 ? undefined : run.steps[failedIndex];
  const title =
    input.title ??
    `Run ${run.automation_run_id} ${run.status}${failedStep ? ` at ${failedStep.step_id}` : ''}`;
  const front = parseContract(kb.PostmortemFrontMatter, {
    title,
    automation_run_id: run.automation_run_id,
    deployment_id: run.deployment_id,
    project: run.project,
    status: 'draft',
    severity: input.severity ?? 'high',
    started_at: run.started_at ?? run.queued_at,
    ...(failedStep?.finished_at ? { detected_at: failedStep.finished_at } : {}),
    ...(failedStep ? { failed_step: failedStep.step_id } : {}),
    ...(run.ticket_id ? { ticket_id: run.ticket_id } : {}),
  });
  const impact =
    failedIndex === -1 ? [] : run.steps.slice(failedIndex + 1).filter((s) => s.status !== 'succeeded');
  return {
    front,
    context: {
      title,
      run,
      failedStep,
      impact,
      // Per-step "queued" entries all carry the start time: they say nothing in a postmortem.
      timeline: run.timeline.filter((e) => !(e.step_id !== undefined && e.status === 'queued')),
      links: run.links,
      ticketId: run.ticket_id,
    },
  };
}

const hbs = requirePeer<typeof import('handlebars')>(
  '@fieldops/sdk/automation',
  AUTOMATION_PEERS,
  'handlebars',
).create();
// A table cell: one line, no pipe breaking the row.
hbs.registerHelper('cell', (value: unknown) =>
  typeof value === 'string' ? value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|') : '',
);

/** `postmortem.md`: YAML front matter (PostmortemFrontMatter) and the rendered handlebars body. */
export function buildPostmortem(input: PostmortemInput): {
  markdown: string;
  front: kb.PostmortemFrontMatter;
} {
  const { front, context } = buildPostmortemContext(input);
  const render = hbs.compile(input.template ?? DEFAULT_POSTMORTEM_TEMPLATE, { strict: false });
  const body = render(context);
  return { markdown: `---\n${stringify(front)}---\n\n${body.trimEnd()}\n`, front };
}
