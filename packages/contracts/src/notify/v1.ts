import { z } from 'zod';
import { labels, timestamp } from '../internal/common.js';
import { defineContract } from '../internal/contract.js';
import { ChannelKind, Severity } from './v1-kinds.js';

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('notify', 1, name, schema, description);

export { Config, ConfigFile } from './v1-config.js';
export { CHANNEL_KINDS, ChannelKind, Severity } from './v1-kinds.js';

/** An alert: what notify routes, groups and escalates (an event becomes one through a source adapter). */
export const Alert = c(
  'Alert',
  z.object({
    labels: labels().refine((l) => typeof l.alertname === 'string' && l.alertname.length > 0, {
      error: 'expected labels.alertname',
    }),
    annotations: labels().optional(),
    severity: Severity,
    status: z.enum(['firing', 'resolved']),
    starts_at: timestamp(),
    ends_at: timestamp().optional(),
    source: z.string().optional().meta({ description: 'CloudEvents source of the event behind the alert.' }),
    event_id: z.string().optional().meta({ description: 'CloudEvents id of the event behind the alert.' }),
    fingerprint: z
      .string()
      .optional()
      .meta({ description: 'Stable hash of the labels; computed when absent.' }),
  }),
);
export type Alert = z.infer<typeof Alert>;

/** A rendered message for one recipient on one channel. */
export const Message = c(
  'Message',
  z.object({
    channel: ChannelKind,
    to: z
      .string()
      .min(1)
      .max(320)
      .meta({ description: 'E.164 phone number, email address or webhook name.' }),
    subject: z.string().max(300).optional(),
    text: z.string().max(65_536),
    template: z
      .object({
        name: z.string().min(1),
        language: z.string().min(2).max(15),
        parameters: z.array(z.string()),
      })
      .optional()
      .meta({ description: 'WhatsApp approved template, used outside the 24-hour window.' }),
    group_key: z.string(),
    alert_fingerprints: z.array(z.string()),
    ack_code: z.string().optional(),
  }),
);
export type Message = z.infer<typeof Message>;

/** What happened to one delivery attempt chain. */
export const DeliveryReceipt = c(
  'DeliveryReceipt',
  z.object({
    notification_id: z.string(),
    receiver: z.string(),
    channel: ChannelKind,
    to: z.string(),
    group_key: z.string(),
    status: z.enum(['sent', 'delivered', 'read', 'failed', 'throttled', 'suppressed']),
    attempts: z.int().min(0),
    provider_message_id: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }).optional(),
    at: timestamp(),
  }),
);
export type DeliveryReceipt = z.infer<typeof DeliveryReceipt>;

/** An acknowledgement, by API or by a WhatsApp reply `ACK <code>`. */
export const Acknowledgement = c(
  'Acknowledgement',
  z.object({
    ack_code: z.string().min(1).max(32),
    by: z.string().min(1).max(320),
    via: z.enum(['api', 'whatsapp', 'email', 'slack', 'discord']),
    at: timestamp(),
    note: z.string().max(2000).optional(),
  }),
);
export type Acknowledgement = z.infer<typeof Acknowledgement>;
