// One mail thread per incident: a Message-ID derived from the incident, In-Reply-To/References on
// every later mail, and one subject (RFC 5322 §3.6.4; mail clients thread on these).
import { createHash } from 'node:crypto';
import type { Message } from '@fieldops/contracts/notify/v1';

/** The headers that place one mail in its incident's thread. */
export interface ThreadHeaders {
  messageId: string;
  inReplyTo?: string;
  references?: string;
  subject: string;
}

const MAX_THREADS = 10_000;

/** The domain part of a From address (`fieldops <alerts@example.test>` → `example.test`). */
export function domainOf(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return m ? (m[1] as string).toLowerCase() : 'fieldops.invalid';
}

/**
 * Threads mails by incident (the ack code; the group key when a mail carries none): the thread's root
 * Message-ID is derived from it, so it is the same after a restart; the first mail of a thread is the
 * root, later ones reply to it and reuse its subject. Bounded: the oldest threads are forgotten.
 */
export class MailThreads {
  private readonly subjects = new Map<string, string>();
  private seq = 0;

  constructor(private readonly domain: string) {}

  /** The headers for the next mail about `message`. */
  next(message: Message, subject: string): ThreadHeaders {
    const key = message.ack_code ? `incident:${message.ack_code}` : `group:${message.group_key}`;
    const root = `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@${this.domain}>`;
    const first = this.subjects.get(key);
    if (first === undefined) {
      this.subjects.set(key, subject);
      if (this.subjects.size > MAX_THREADS) {
        const oldest = this.subjects.keys().next().value;
        if (oldest !== undefined) this.subjects.delete(oldest);
      }
      return { messageId: root, subject };
    }
    const id = `<${createHash('sha256')
      .update(`${key}#${Date.now()}#${++this.seq}`)
      .digest('hex')
      .slice(0, 32)}@${this.domain}>`;
    return { messageId: id, inReplyTo: root, references: root, subject: first };
  }
}
