import { z } from 'zod';
import { defineContract } from '../internal/contract.js';

const c = <T extends z.ZodType>(name: string, schema: T, description?: string) =>
  defineContract('notify', 1, name, schema, description);

/** The channels notify delivers to, WhatsApp first. */
export const ChannelKind = c('ChannelKind', z.enum(['whatsapp', 'email', 'slack', 'discord']));
export type ChannelKind = z.infer<typeof ChannelKind>;
/** Channel kinds in the default failover order. */
export const CHANNEL_KINDS = [
  'whatsapp',
  'email',
  'slack',
  'discord',
] as const satisfies readonly ChannelKind[];

/** How urgent an alert is; `critical` bypasses quiet hours. */
export const Severity = c('Severity', z.enum(['info', 'warning', 'critical']));
export type Severity = z.infer<typeof Severity>;
