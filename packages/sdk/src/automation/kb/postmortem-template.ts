/**
 * The default postmortem body (handlebars). The front matter is written separately from data, never
 * through the template, so a step message cannot forge it. Context: see {@link PostmortemContext}.
 */
export const DEFAULT_POSTMORTEM_TEMPLATE = `# {{title}}

## Summary

Automation run \`{{run.automation_run_id}}\` for deployment \`{{run.deployment_id}}\` (project \`{{run.project}}\`{{#if run.product_code}}, {{run.product_code}} {{run.product_version}}{{/if}}) **{{run.status}}**{{#if failedStep}} at step \`{{failedStep.step_id}}\` ({{failedStep.kind}}){{/if}}.

{{#if failedStep}}
> {{failedStep.error.code}}: {{failedStep.message}}
{{/if}}

## Impact

{{#if impact.length}}
{{#each impact}}
- Step \`{{step_id}}\` ({{kind}}) was {{status}}{{#if message}}: {{message}}{{/if}}
{{/each}}
{{else}}
- No later step was affected.
{{/if}}

## Timeline

| time (UTC) | step | status | attempt | message |
|---|---|---|---|---|
{{#each timeline}}
| {{at}} | {{#if step_id}}\`{{step_id}}\`{{else}}run{{/if}} | {{status}} | {{attempt}} | {{cell message}} |
{{/each}}

## Root cause

_To be written by the on-call engineer: what failed, and why it was possible._

## Action items

- [ ] Find the root cause of the failure of \`{{#if failedStep}}{{failedStep.step_id}}{{else}}the run{{/if}}\`.
- [ ] Decide whether the deployment is retried as is or the execution spec changes.
{{#if ticketId}}
- [ ] Follow up in ticket {{ticketId}}.
{{/if}}

## Links

{{#each links}}
- {{rel}}: {{href}}
{{/each}}
`;
