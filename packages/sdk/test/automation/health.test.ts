import { createSocket, type Socket } from 'node:dgram';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRfidStationStatusReader,
  createRunHealthChecksHandler,
  type HealthCheckResult,
  runSpec,
} from '../../src/automation/index.js';
import { buildSpec } from './helpers.js';

let tcp: TcpServer;
let udp: Socket;
let web: HttpServer;
let tcpPort = 0;
let udpPort = 0;
let webPort = 0;
let closedTcpPort = 0;
let closedUdpPort = 0;

beforeAll(async () => {
  tcp = createTcpServer((s) => s.end());
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  tcpPort = (tcp.address() as AddressInfo).port;
  udp = createSocket('udp4');
  udp.on('message', (msg, rinfo) =>
    udp.send(
      Buffer.concat([Buffer.from([0x02]), msg.subarray(1, 3), Buffer.from([0x04])]),
      rinfo.port,
      rinfo.address,
    ),
  );
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  udpPort = udp.address().port;
  web = createHttpServer((req, res) => {
    if (req.url === '/api/v1/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else res.writeHead(503).end('{"status":"down"}');
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
  // Ports that were free a moment ago: bind, note, close.
  const t = createTcpServer();
  await new Promise<void>((r) => t.listen(0, '127.0.0.1', r));
  closedTcpPort = (t.address() as AddressInfo).port;
  await new Promise((r) => t.close(r));
  const u = createSocket('udp4');
  await new Promise<void>((r) => u.bind(0, '127.0.0.1', r));
  closedUdpPort = u.address().port;
  await new Promise<void>((r) => u.close(() => r()));
});
afterAll(async () => {
  await new Promise((r) => tcp.close(r));
  await new Promise<void>((r) => udp.close(() => r()));
  await new Promise((r) => web.close(r));
});

const results = (r: Awaited<ReturnType<typeof runSpec>>) =>
  (r.record.steps[0]?.outputs?.checks ?? []) as unknown as HealthCheckResult[];

describe('run_health_checks against real loopback servers', () => {
  it('passes TCP connect, UDP probe with reply, HTTP status and body, gateway and station readers', async () => {
    const handler = createRunHealthChecksHandler({
      // The spec names a site host; the probes go to this machine's servers.
      resolveAddress: (host, port) =>
        host === 'edge.site.test'
          ? { host: '127.0.0.1', port: port === 8080 ? tcpPort : udpPort }
          : { host, port },
      gateways: { gatewayState: async (eui) => (eui === 'ac1f09fffe0a0b01' ? 'online' : 'offline') },
      stations: {
        stationState: async (s) => (s.station_id === 'stn_01jd8y3k2m00000000000001' ? 'online' : 'offline'),
      },
    });
    const r = await runSpec(
      buildSpec([
        {
          id: 'checks',
          kind: 'run_health_checks',
          checks: [
            { type: 'tcp', name: 'chirpstack api', host: 'edge.site.test', port: 8080 },
            {
              type: 'udp',
              name: 'gateway bridge',
              host: 'edge.site.test',
              port: 1700,
              payload_hex: '02abcd02',
              expect_reply: true,
            },
            {
              type: 'http',
              name: 'rfid backend',
              url: `http://127.0.0.1:${webPort}/api/v1/health`,
              expect_status: 200,
              expect_body_contains: '"status":"ok"',
            },
            { type: 'chirpstack_gateway_online', gateway_eui: 'AC1F09FFFE0A0B01' },
            { type: 'rfid_station_status', station: 'stn_01jd8y3k2m00000000000001', expect_state: 'online' },
          ],
        },
      ]),
      { handlers: { run_health_checks: handler } },
    );
    expect(r.status).toBe('succeeded');
    const checks = results(r);
    expect(checks.map((c) => [c.name, c.ok, c.detail])).toEqual([
      ['chirpstack api', true, 'connected'],
      ['gateway bridge', true, 'reply of 4 bytes'],
      ['rfid backend', true, 'HTTP 200'],
      ['chirpstack_gateway_online ac1f09fffe0a0b01', true, 'gateway online'],
      ['rfid_station_status stn_01jd8y3k2m00000000000001', true, 'station online'],
    ]);
    for (const c of checks) expect(c.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('fails the step naming each failed check: refused TCP, ICMP-refused UDP, wrong status, missing body, offline gateway', async () => {
    const handler = createRunHealthChecksHandler({ gateways: { gatewayState: async () => 'offline' } });
    const r = await runSpec(
      buildSpec([
        {
          id: 'checks',
          kind: 'run_health_checks',
          checks: [
            { type: 'tcp', name: 'closed tcp', host: '127.0.0.1', port: closedTcpPort },
            {
              type: 'udp',
              name: 'closed udp',
              host: '127.0.0.1',
              port: closedUdpPort,
              payload_hex: '00',
              timeout_ms: 2000,
            },
            {
              type: 'http',
              name: 'wrong status',
              url: `http://127.0.0.1:${webPort}/other`,
              expect_status: 200,
            },
            {
              type: 'http',
              name: 'missing body',
              url: `http://127.0.0.1:${webPort}/api/v1/health`,
              expect_body_contains: 'degraded',
            },
            { type: 'chirpstack_gateway_online', name: 'gw', gateway_eui: 'ac1f09fffe0a0b01' },
            { type: 'rfid_station_status', name: 'no reader', station: 'dev_01jd8y3k2m00000000000000r1' },
          ],
        },
      ]),
      { handlers: { run_health_checks: handler } },
    );
    expect(r.status).toBe('failed');
    expect(r.record.steps[0]?.error?.code).toBe('health_check_failed');
    expect(r.record.steps[0]?.message).toBe(
      '6 of 6 health checks failed: closed tcp (TCP connect failed: ECONNREFUSED); ' +
        'closed udp (UDP probe failed: ECONNREFUSED); wrong status (HTTP 503, expected 200); ' +
        'missing body (HTTP 200, body does not contain "degraded"); gw (gateway offline); ' +
        'no reader (no RFID station status reader configured)',
    );
  });

  it('passes a UDP probe without reply when nothing refuses it', async () => {
    const handler = createRunHealthChecksHandler();
    const r = await runSpec(
      buildSpec([
        {
          id: 'udp',
          kind: 'run_health_checks',
          checks: [{ type: 'udp', host: '127.0.0.1', port: udpPort, timeout_ms: 200 }],
        },
      ]),
      { handlers: { run_health_checks: handler } },
    );
    // The echo server answers, which also counts.
    expect(results(r)[0]?.ok).toBe(true);
  });
});

describe('createRfidStationStatusReader', () => {
  it('asks the RFID backend by station id, resolving a device id first when needed', async () => {
    const asked: string[] = [];
    const client = {
      stationStatus: async (id: string) => {
        asked.push(id);
        return { state: id === 'stn_dock0001' ? ('online' as const) : ('degraded' as const) };
      },
    };
    const handler = createRunHealthChecksHandler({
      stations: createRfidStationStatusReader(client, {
        resolveStationId: async (deviceId) =>
          deviceId === 'dev_01jd8y3k2m00000000000000r2' ? 'stn_dock0002' : undefined,
      }),
    });
    const r = await runSpec(
      buildSpec([
        {
          id: 'stations',
          kind: 'run_health_checks',
          checks: [
            { type: 'rfid_station_status', name: 'by id', station: 'stn_dock0001' },
            {
              type: 'rfid_station_status',
              name: 'by device',
              station: 'dev_01jd8y3k2m00000000000000r2',
              expect_state: 'degraded',
            },
            { type: 'rfid_station_status', name: 'unknown', station: 'dev_01jd8y3k2m00000000000000r3' },
          ],
        },
      ]),
      { handlers: { run_health_checks: handler } },
    );
    expect(asked.sort()).toEqual(['stn_dock0001', 'stn_dock0002']);
    expect(r.record.steps[0]?.message).toBe(
      '1 of 3 health checks failed: unknown (no station id known for dev_01jd8y3k2m00000000000000r3 (not claimed yet?))',
    );
  });
});
