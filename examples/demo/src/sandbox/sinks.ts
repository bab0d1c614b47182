// Stand-ins for the messaging providers: one loopback HTTP server answering like the WhatsApp Cloud
// API (/whatsapp/{version}/{phone-number-id}/messages), a Slack incoming webhook (/slack/services/…)
// and a Discord webhook (/discord/api/webhooks/…?wait=true), recording every delivered message.
import { type LoopbackServer, sendJson, serveLoopback } from './http.js';

/** One message a sink received. */
export interface SinkMessage {
  channel: 'whatsapp' | 'slack' | 'discord' | 'email';
  to: string;
  text: string;
  at: number;
}

/** The parts of the providers' request bodies the sinks read. */
interface ProviderBody {
  to?: string;
  type?: string;
  text?: string | { body?: string };
  template?: { name?: string; components?: { parameters?: { text?: string }[] }[] };
  content?: string;
}

/** Starts the webhook sinks. */
export async function startWebhookSinks(): Promise<LoopbackServer & { messages: SinkMessage[] }> {
  const messages: SinkMessage[] = [];
  let seq = 0;
  const server = await serveLoopback((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (body ? JSON.parse(body) : {}) as ProviderBody;
    if (url.pathname.startsWith('/whatsapp/') && url.pathname.endsWith('/messages')) {
      // A template (outside the 24-hour window) carries its text as body parameters.
      const text =
        json.type === 'text'
          ? String(typeof json.text === 'object' ? (json.text.body ?? '') : '')
          : `[template ${json.template?.name}] ${(json.template?.components ?? [])
              .flatMap((c) => c.parameters ?? [])
              .map((p) => p.text)
              .join(' | ')}`;
      messages.push({ channel: 'whatsapp', to: String(json.to), text, at: Date.now() });
      seq += 1;
      return sendJson(res, 200, {
        messaging_product: 'whatsapp',
        contacts: [{ input: json.to, wa_id: String(json.to).replace(/^\+/, '') }],
        messages: [{ id: `wamid.demo${seq}` }],
      });
    }
    if (url.pathname.startsWith('/slack/services/')) {
      messages.push({
        channel: 'slack',
        to: url.pathname.split('/')[4] ?? '',
        text: String(json.text),
        at: Date.now(),
      });
      res.writeHead(200, { 'content-type': 'text/plain' });
      return void res.end('ok');
    }
    if (url.pathname.startsWith('/discord/api/webhooks/')) {
      messages.push({
        channel: 'discord',
        to: url.pathname.split('/')[4] ?? '',
        text: String(json.content),
        at: Date.now(),
      });
      seq += 1;
      return sendJson(res, 200, { id: String(1_000_000 + seq), content: json.content });
    }
    return sendJson(res, 404, { error: 'no such sink' });
  });
  return { ...server, messages };
}
