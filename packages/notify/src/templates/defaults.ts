import type { TemplateConfig } from '../config.js';

/** The title and text used when nothing more specific is configured. */
export const DEFAULT_TEMPLATE: Required<TemplateConfig> = {
  title:
    '[{{#if resolved_only}}RESOLVED{{else}}{{upper severity}}{{/if}}] {{alertname}}{{#if site}} · {{site}}{{/if}}{{#if escalation}} (escalation {{escalation.level_number}}){{/if}}',
  text: `{{title}}
{{#each alerts}}
{{#if firing}}🔴{{else}}✅{{/if}} {{summary}}
{{/each}}
{{#if more_count}}…and {{more_count}} more
{{/if}}{{#if ack_code}}Reply ACK {{ack_code}} to acknowledge.{{/if}}`,
};

/** Sensible defaults per event type (keyed by the alert's `type` label). */
export const DEFAULT_TEMPLATES: Record<string, TemplateConfig> = {
  'io.fieldops.chirpstack.gateway.offline.v1': {
    text: `{{title}}
{{#each alerts}}
{{#if firing}}🔴{{else}}✅{{/if}} {{summary}} (EUI {{labels.gateway_eui}}{{#if annotations.last_seen_at}}, last seen {{annotations.last_seen_at}}{{/if}})
{{/each}}
{{#if more_count}}…and {{more_count}} more
{{/if}}{{#if ack_code}}Reply ACK {{ack_code}} to acknowledge.{{/if}}`,
  },
  'io.fieldops.automation.run.failed.v1': {
    text: `{{title}}
{{#each alerts}}
{{#if firing}}🔴{{else}}✅{{/if}} {{summary}} ({{labels.project}} / {{labels.deployment_id}})
{{#if annotations.description}}  {{annotations.description}}
{{/if}}{{#if annotations.bundle_url}}  Run bundle: {{annotations.bundle_url}}
{{/if}}{{/each}}
{{#if more_count}}…and {{more_count}} more
{{/if}}{{#if ack_code}}Reply ACK {{ack_code}} to acknowledge.{{/if}}`,
  },
};

/**
 * Incident notices (an acknowledgement or a resolution told to everyone paged), by event; a config
 * replaces them under `templates["notice.acknowledged"]` / `templates["notice.resolved"]`.
 */
export const DEFAULT_NOTICE_TEMPLATES: Record<'acknowledged' | 'resolved', Required<TemplateConfig>> = {
  acknowledged: {
    title: '[ACKNOWLEDGED] {{alertname}}{{#if site}} · {{site}}{{/if}}',
    text: `{{title}}
Incident {{notice.incident_code}} was acknowledged by {{notice.by}} ({{notice.via}}) at {{notice.at}}{{#if notice.note}}: {{notice.note}}{{/if}}.
{{#each alerts}}
{{#if firing}}🔴{{else}}✅{{/if}} {{summary}}
{{/each}}
{{#if more_count}}…and {{more_count}} more
{{/if}}No further pages for this incident.`,
  },
  resolved: {
    title: '[RESOLVED] {{alertname}}{{#if site}} · {{site}}{{/if}}',
    text: `{{title}}
Incident {{notice.incident_code}} resolved at {{notice.at}}.
{{#each alerts}}
{{#if firing}}🔴{{else}}✅{{/if}} {{summary}}
{{/each}}
{{#if more_count}}…and {{more_count}} more
{{/if}}`,
  },
};
