import type { Message } from '@fieldops/contracts/notify/v1';
import nodemailer from 'nodemailer';
import type { EmailChannelConfig } from '../../config.js';
import { parseDuration } from '../../duration.js';
import type { Channel, ChannelDeps, ChannelFailure, SendResult } from '../channel.js';
import { domainOf, MailThreads } from './threading.js';
import { requiresStartTls } from './tls-policy.js';

/** HTML escaping for the HTML part. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const RETRYABLE_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'ECONNREFUSED',
  'ECONNRESET',
  'EDNS',
  'ETLS',
]);

/** SMTP 4xx and connection problems are temporary; 5xx and authentication failures are not. */
export function classifySmtpError(err: unknown, redact: (s: string) => string): ChannelFailure {
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown };
  const responseCode = typeof e?.responseCode === 'number' ? e.responseCode : undefined;
  const code =
    typeof e?.code === 'string' ? e.code : responseCode !== undefined ? `smtp_${responseCode}` : 'smtp_error';
  const message = redact(typeof e?.message === 'string' ? e.message : String(err)).slice(0, 500);
  if (responseCode !== undefined) {
    return {
      ok: false,
      retryable: responseCode >= 400 && responseCode < 500,
      code: `smtp_${responseCode}`,
      message,
    };
  }
  return { ok: false, retryable: RETRYABLE_CODES.has(code), code, message };
}

/** Email over SMTP with nodemailer: a text part and an escaped HTML part. */
export function createEmailChannel(config: EmailChannelConfig, deps: ChannelDeps): Channel {
  const threads = new MailThreads(domainOf(config.from));
  let transport: nodemailer.Transporter | undefined;
  const timeout =
    config.timeout !== undefined ? parseDuration(config.timeout, 'channels.email.timeout') : 30_000;
  const getTransport = async () => {
    if (transport) return transport;
    const pass = config.auth
      ? await deps.vault.resolve(config.auth.pass, 'channels.email.auth.pass')
      : undefined;
    transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure ?? false,
      requireTLS: requiresStartTls(config),
      ignoreTLS: config.ignore_tls ?? false,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      ...(config.auth && pass !== undefined ? { auth: { user: config.auth.user, pass } } : {}),
    });
    return transport;
  };
  return {
    kind: 'email',
    // Most relays throttle bursts; 5 per second unless configured.
    ratePerSecond: config.rate_per_second ?? 5,
    async send(message: Message): Promise<SendResult> {
      try {
        const t = await getTransport();
        const thread = threads.next(
          message,
          message.subject ?? message.text.split('\n', 1)[0]?.slice(0, 200) ?? 'fieldops alert',
        );
        const info = await t.sendMail({
          from: config.from,
          to: message.to,
          subject: thread.subject,
          messageId: thread.messageId,
          ...(thread.inReplyTo ? { inReplyTo: thread.inReplyTo, references: thread.references } : {}),
          text: message.text,
          html: `<pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(message.text)}</pre>`,
          // RFC 3834: machine-generated, so auto-responders (out-of-office) do not answer it.
          headers: {
            'Auto-Submitted': 'auto-generated',
            'X-Fieldops-Group-Key': encodeURIComponent(message.group_key),
          },
        });
        return { ok: true, ...(info.messageId ? { provider_message_id: info.messageId } : {}) };
      } catch (err) {
        return classifySmtpError(err, (s) => deps.vault.redact(s));
      }
    },
    async close() {
      transport?.close();
      transport = undefined;
    },
  };
}
