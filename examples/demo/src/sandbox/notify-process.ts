// Notify as its own process, as a site runs it: the `fieldops-notify` bin of @fieldops/notify with a
// notify.yaml (contract notify.v1.ConfigFile) on the embedded PGlite store under the demo's data folder.
// Events reach it over HTTP (`POST /notify/events`) from the site agent's and the skill's outbox relays;
// the demo reads its state through the HTTP API and its delivery log lines, as an operator would.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { NotifyConfig } from '@fieldops/notify';
import { demoNotifyConfig } from './notify.js';

/** One delivery attempt as the process logged it (`operation: deliver`). */
export interface DemoReceipt {
  channel: string;
  receiver: string;
  contact: string;
  status: string;
}

/** An incident or alert as `GET /notify/incidents` / `GET /notify/alerts` return them (the fields the demo reads). */
export interface DemoIncident {
  status: string;
  ack_code: string;
}
/** An alert as `GET /notify/alerts` returns it (the fields the demo reads). */
export interface DemoAlert {
  status: string;
  labels: Record<string, string>;
}

/** Where the `fieldops-notify` bin of the workspace's @fieldops/notify is. */
export function notifyBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@fieldops/notify/package.json')), 'bin/fieldops-notify.js');
}

/**
 * The demo's engine configuration as a notify.yaml: every inline secret becomes an `env:` SecretRef
 * (a file never holds a token) and the values go to the process's environment.
 */
export function demoNotifyFile(
  config: NotifyConfig,
  apiToken: string,
  dataDir: string,
): { file: Record<string, unknown>; env: Record<string, string> } {
  const env: Record<string, string> = { FIELDOPS_DEMO_NOTIFY_API_TOKEN: apiToken };
  let n = 0;
  const refs = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(refs);
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.value === 'string') {
      const name = `FIELDOPS_DEMO_NOTIFY_SECRET_${++n}`;
      env[name] = o.value;
      return `env:${name}`;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, refs(x)]));
  };
  return {
    file: {
      version: 1,
      service: {
        listen: { host: '127.0.0.1', port: 0 },
        api: { token: 'env:FIELDOPS_DEMO_NOTIFY_API_TOKEN' },
        store: { kind: 'pglite', path: join(dataDir, 'store') },
        bus: { kind: 'http' },
        shutdown_timeout: '10s',
        log_level: 'info',
      },
      ...(refs(config) as Record<string, unknown>),
    },
    env,
  };
}

/** Polls an async probe until it returns something, or undefined after `timeoutMs`. */
export async function waitForAsync<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) return undefined;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Reads the process's pino lines: the URL once ready, the delivery receipts, the last lines for errors. */
function follow(child: ChildProcess, receipts: DemoReceipt[], tail: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (entry.msg === 'notify ready' && typeof entry.url === 'string') resolve(entry.url);
      if (entry.operation === 'deliver') {
        receipts.push({
          channel: String(entry.target),
          receiver: String(entry.receiver),
          contact: String(entry.contact),
          status: String(entry.outcome),
        });
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
    });
    child.once('exit', (code, signal) =>
      reject(
        new Error(`fieldops-notify exited (${signal ?? code}) before it was ready:\n${tail.join('\n')}`),
      ),
    );
  });
}

/**
 * Starts `fieldops-notify --config <dataDir>/notify.yaml` on PGlite in `<dataDir>/store`, and resolves
 * once it logged `notify ready`; the API and the signed WhatsApp webhook are served on its port.
 */
export async function startNotifyProcess(
  sinksUrl: string,
  smtpPort: number,
  apiToken: string,
  dataDir: string,
) {
  await mkdir(dataDir, { recursive: true });
  const { file, env } = demoNotifyFile(demoNotifyConfig(sinksUrl, smtpPort), apiToken, dataDir);
  const configPath = join(dataDir, 'notify.yaml');
  // JSON is YAML: the bin reads either.
  await writeFile(configPath, `${JSON.stringify(file, null, 2)}\n`);
  const child = spawn(process.execPath, [notifyBin(), '--config', configPath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The demo never leaves its notify behind, even when it fails.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  const receipts: DemoReceipt[] = [];
  const tail: string[] = [];
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let url: string;
  try {
    url = await follow(child, receipts, tail);
  } catch (err) {
    process.off('exit', orphan);
    throw err;
  }
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}/notify${path}`, { headers: { authorization: `Bearer ${apiToken}` } });
    if (!res.ok) throw new Error(`GET /notify${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  let stopped: Promise<void> | undefined;
  return {
    url,
    pid: child.pid,
    configPath,
    /** Delivery attempts from the process's `operation: deliver` log lines. */
    receipts,
    /** `GET /notify/incidents`. */
    incidents: () => get<{ incidents: DemoIncident[] }>('/incidents').then((b) => b.incidents),
    /** `GET /notify/alerts`. */
    alerts: () => get<{ alerts: DemoAlert[] }>('/alerts').then((b) => b.alerts),
    /** What WhatsApp's servers would POST when the on-call replies `ACK <code>`, signed with the app secret. */
    async replyOnWhatsApp(from: string, text: string): Promise<{ ok: boolean; acks: number }> {
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { phone_number_id: '109876543210' },
                  messages: [
                    {
                      from: from.replace(/^\+/, ''),
                      id: `wamid.reply${Date.now()}`,
                      timestamp: String(Math.floor(Date.now() / 1000)),
                      type: 'text',
                      text: { body: text },
                    },
                  ],
                },
              },
            ],
          },
        ],
      });
      const signature = createHmac('sha256', 'demo-app-secret').update(body).digest('hex');
      const res = await fetch(`${url}/whatsapp/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` },
        body,
      });
      return (await res.json()) as { ok: boolean; acks: number };
    },
    /** SIGTERM: the process lets deliveries in flight finish, closes its store and exits. */
    close(): Promise<void> {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
          await exited;
          clearTimeout(killer);
        }
        process.off('exit', orphan);
      })();
      return stopped;
    },
  };
}
