import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/** The outcome of one probe. */
export interface ProbeResult {
  ok: boolean;
  detail: string;
}

/** Opens a TCP connection and closes it. */
export function probeTcp(
  host: string,
  port: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => done({ ok: false, detail: `no TCP connection within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const onAbort = () => done({ ok: false, detail: 'aborted' });
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ ok: true, detail: 'connected' }));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      done({ ok: false, detail: `TCP connect failed: ${e.code ?? e.message}` }),
    );
  });
}

/**
 * Sends one UDP datagram on a connected socket. With `expectReply`, passes on the first reply. Without,
 * passes when no ICMP port-unreachable comes back within the timeout (UDP has no handshake: this is the
 * most a probe can know).
 */
export function probeUdp(
  host: string,
  port: number,
  payload: Buffer,
  expectReply: boolean,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    let settled = false;
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.close();
      resolve(r);
    };
    const timer = setTimeout(
      () =>
        done(
          expectReply
            ? { ok: false, detail: `no UDP reply within ${timeoutMs} ms` }
            : { ok: true, detail: `datagram sent, no port-unreachable within ${timeoutMs} ms` },
        ),
      timeoutMs,
    );
    const onAbort = () => done({ ok: false, detail: 'aborted' });
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (e: NodeJS.ErrnoException) =>
      done({ ok: false, detail: `UDP probe failed: ${e.code ?? e.message}` }),
    );
    socket.on('message', (msg) => done({ ok: true, detail: `reply of ${msg.length} bytes` }));
    socket.connect(port, host, () => {
      socket.send(payload, (e) => {
        if (e)
          done({ ok: false, detail: `UDP send failed: ${(e as NodeJS.ErrnoException).code ?? e.message}` });
      });
    });
  });
}

/** GETs a URL; checks the status (exact when given, else 2xx/3xx) and that the body contains a string. */
export async function probeHttp(
  fetchImpl: typeof fetch,
  url: string,
  expect: { status?: number; bodyContains?: string },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult & { status?: number }> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetchImpl(url, { method: 'GET', signal: combined, redirect: 'manual' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      detail: timeout.aborted
        ? `no HTTP answer within ${timeoutMs} ms`
        : `HTTP request failed: ${cause ?? (e as Error).message}`,
    };
  }
  const body = await res.text();
  const statusOk =
    expect.status !== undefined ? res.status === expect.status : res.status >= 200 && res.status < 400;
  if (!statusOk) {
    return {
      ok: false,
      status: res.status,
      detail: `HTTP ${res.status}, expected ${expect.status ?? '2xx/3xx'}`,
    };
  }
  if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
    return {
      ok: false,
      status: res.status,
      detail: `HTTP ${res.status}, body does not contain ${JSON.stringify(expect.bodyContains)}`,
    };
  }
  return { ok: true, status: res.status, detail: `HTTP ${res.status}` };
}
