import { fork } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** One received email. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

/** How the server treats the next RCPT TO: accept, 451, 421 or 550. */
export type SmtpMode = 'ok' | 'temporary' | 'permanent' | 'busy' | 'hold';

const CHILD = fileURLToPath(new URL('./smtp-child.mjs', import.meta.url));

/**
 * A real SMTP server (smtp-server) on 127.0.0.1 with AUTH and switchable failures. It runs in a child
 * process so that tests using fake timers do not freeze it.
 */
export async function startSmtpServer(options: { user?: string; pass?: string } = {}) {
  const child = fork(CHILD, [], {
    env: { ...process.env, SMTP_USER: options.user ?? '', SMTP_PASS: options.pass ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const received: ReceivedMail[] = [];
  let heldCount = 0;
  const pending = new Map<number, () => void>();
  let nextId = 0;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (msg: { type: string; port?: number; mail?: ReceivedMail; id?: number }) => {
      if (msg.type === 'ready') resolve(msg.port as number);
      else if (msg.type === 'mail') received.push(msg.mail as ReceivedMail);
      else if (msg.type === 'mode-set') pending.get(msg.id as number)?.();
      else if (msg.type === 'held') heldCount++;
    });
  });
  return {
    port,
    received,
    /** Sets how the next RCPT TO is answered. */
    setMode(mode: SmtpMode): Promise<void> {
      const id = nextId++;
      return new Promise<void>((resolve) => {
        pending.set(id, resolve);
        child.send({ type: 'mode', mode, id });
      });
    },
    /** How many mails wait for `release` (mode `hold`). */
    held: () => heldCount,
    /** Answers every held DATA (the mails are received). */
    release(): void {
      child.send({ type: 'release' });
    },
    /** Waits (without timers) until `count` mails arrived. */
    async waitFor(count: number): Promise<void> {
      for (let i = 0; i < 10_000 && received.length < count; i++) await new Promise((r) => setImmediate(r));
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** A loopback port nobody listens on. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
