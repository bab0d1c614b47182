import { createServer, type Server, type ServerResponse } from 'node:http';
import type { DeliveryReceipt } from '@fieldops/contracts/notify/v1';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../src/config.js';
import { createNotifyEngine } from '../../src/engine.js';
import { baseConfig, gatewayEvent, recordingChannel } from '../support/helpers.js';

// Issue 11 item 7: a WhatsApp endpoint that sends headers and then trickles one byte every 20 s held
// the first attempt for 90+ s: no retry, no failover, and engine.stop() hung.

let server: Server | undefined;
const open: ServerResponse[] = [];
afterEach(async () => {
  for (const res of open.splice(0)) res.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server?.closeAllConnections();
  server = undefined;
});

/** A Cloud API that answers 200 with headers, then one byte every 20 s (never finishes). */
async function tricklingGraphApi(): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
    open.push(res);
    const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(' ')), 20_000);
    res.on('close', () => clearInterval(t));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits: () => hits };
}

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('channel attempt timeout', () => {
  it('defaults to 10 s and is configurable', () => {
    expect(normalizeConfig(baseConfig()).attemptTimeout).toBe(10_000);
    expect(normalizeConfig({ ...baseConfig(), retry: { attempt_timeout: '250ms' } }).attemptTimeout).toBe(
      250,
    );
  });

  it('aborts a trickling attempt, counts it as failed, retries, then fails over to email', async () => {
    const graph = await tricklingGraphApi();
    const base = baseConfig();
    const email = recordingChannel('email');
    const receipts: DeliveryReceipt[] = [];
    const engine = createNotifyEngine({
      config: {
        ...base,
        route: { ...base.route, group_wait: '10ms' },
        channels: { ...base.channels, whatsapp: { ...base.channels.whatsapp!, base_url: graph.url } },
        retry: { attempt_timeout: '1s', max_attempts: 2, base_delay: '10ms', max_delay: '50ms' },
      },
      channels: { email },
      onReceipt: (r) => receipts.push(r),
    });
    const t0 = Date.now();
    await engine.ingest(gatewayEvent('offline'));
    await until(() => email.sent.length === 1, 10_000);
    // Two bounded WhatsApp attempts, then email: well under the 90 s seen before.
    expect(Date.now() - t0).toBeLessThan(8_000);
    // At least one attempt reached the trickling server (the first may time out while connecting).
    expect(graph.hits()).toBeGreaterThanOrEqual(1);
    const failed = receipts.filter((r) => r.channel === 'whatsapp' && r.status === 'failed');
    expect(failed.map((r) => r.error?.code)).toEqual(['timeout', 'timeout']);
    expect(failed[0]!.error?.retryable).toBe(true);
    await engine.stop();
  });

  it('engine.stop() does not hang on a send in flight; the delivery waits in the store', async () => {
    const graph = await tricklingGraphApi();
    const base = baseConfig();
    const engine = createNotifyEngine({
      config: {
        ...base,
        route: { ...base.route, group_wait: '10ms' },
        channels: { ...base.channels, whatsapp: { ...base.channels.whatsapp!, base_url: graph.url } },
        // The default 10 s timeout: stop() must not wait for it.
      },
      channels: { email: recordingChannel('email') },
    });
    await engine.ingest(gatewayEvent('offline'));
    await until(() => graph.hits() === 1, 5_000);
    const t0 = Date.now();
    await engine.stop();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(engine.inspect().deliveries).toHaveLength(1);
  });
});
