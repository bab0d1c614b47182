// The engine's records as users see them (`engine.inspect()`, the silence operations, the HTTP API) and
// what ingest accepts: the public data types, declared once here, with no code. The stages and the
// engine import them from here; the package entry exports them from here, never from a stage module.
import type { CloudEvent } from '@fieldops/contracts/events/v1';
import type { Alert } from '@fieldops/contracts/notify/v1';
import type { MatcherConfig } from './matchers/index.js';
import type { NotificationData } from './notification.js';
import type { AckInfo, ChannelAddress, Labels } from './types.js';

/** What ingest accepts: a CloudEvent (fieldops or custom type with an adapter) or a plain contract Alert. */
export type IngestInput = CloudEvent | Alert;

/** One aggregation group: the alerts of one route sharing the `group_by` label values. */
export interface GroupState {
  key: string;
  route_id: string;
  receiver: string;
  labels: Labels;
  fingerprints: string[];
  /** When the group was created (ms). */
  created_at: number;
  /** When the next flush is due (ms). */
  next_flush_at: number;
}

/** A contact a page of an incident reached, and the address (channel) that reached them last. */
export interface PagedContact {
  receiver: string;
  contact: string;
  address: ChannelAddress;
}

/** An incident: the alerts first notified together, acknowledged together with one code. */
export interface Incident {
  id: string;
  ack_code: string;
  group_key: string;
  route_id: string;
  policy: string | undefined;
  fingerprints: string[];
  status: 'open' | 'acknowledged' | 'resolved';
  opened_at: number;
  /** The escalation level notified next. */
  level: number;
  /** Completed passes through the levels. */
  loop: number;
  /** When the next level is due (ms); absent when nothing is pending. */
  next_at?: number;
  acked?: AckInfo;
  /** Addresses (`whatsapp:66811111111`) a message carrying this incident's code was sent to. */
  notified?: string[];
  /** Every contact a page of this incident reached (one entry per receiver + contact). */
  paged?: PagedContact[];
  /** Notices already queued, as `<event>:<receiver>/<contact>`: each is sent once. */
  notices?: string[];
}

/** A pending delivery to one contact: walks the contact's failover chain, retrying each step. */
export interface DeliveryJob {
  id: string;
  notification: NotificationData;
  receiver: string;
  contact: string;
  chain: ChannelAddress[];
  /** Index of the chain step being tried. */
  step: number;
  /** Attempts made on the current step. */
  attempt: number;
  /** Attempts made over the whole chain. */
  total_attempts: number;
  next_at: number;
  /** WhatsApp: the provider said free text needs the template (131047). */
  force_template?: boolean;
  last_error?: { code: string; message: string; retryable: boolean };
  /**
   * An attempt recorded in the store before its send started and not yet answered. Found on load, it
   * means the process died mid-send: the page is sent again with the same idempotency key.
   */
  in_flight?: { step: number; at: number };
  /**
   * The provider accepted the attempt on `step`: written the moment the answer arrives, ahead of the
   * queue. Found on load, the page is not sent again; its outcome (who was paged, the job's end) is
   * applied then (decision 0052).
   */
  answered?: { step: number; at: number; provider_message_id?: string; template?: boolean };
}

/** A silence as added by API and persisted. */
export interface Silence {
  id: string;
  matchers: (string | MatcherConfig)[];
  starts_at: string;
  ends_at: string;
  created_by: string;
  comment?: string;
}

/** What `addSilence` needs; `starts_at` defaults to now. */
export interface SilenceInput {
  matchers: (string | MatcherConfig)[];
  starts_at?: string;
  ends_at: string;
  created_by: string;
  comment?: string;
}

/** One notification log entry: what a receiver was last told about a group. */
export interface NotificationLogEntry {
  receiver: string;
  group_key: string;
  firing: string[];
  resolved: string[];
  /** When it was sent (ms). */
  at: number;
}
