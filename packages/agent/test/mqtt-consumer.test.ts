import { missingServer, type RestartableServer, startMosquitto } from '@fieldops/bus/testing';
import { FieldopsEvent } from '@fieldops/contracts/events/v1';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMqttConsumer, type MqttConsumer } from '../src/mqtt/consumer.js';
import type { GatewayMessage } from '../src/mqtt/device-event.js';
import {
  APP_ID,
  appTopic,
  encodeAck,
  encodeConn,
  encodeJoin,
  encodeLocation,
  encodeLog,
  encodeStats,
  encodeStatus,
  encodeTxAck,
  encodeUplink,
  encodeUplinkJson,
  type FakeDevice,
  publish,
} from './fake-chirpstack-publisher.js';

const skip = missingServer('mosquitto') !== undefined;
const SITE = 'site_01jd8y3k2m0000000000000001';
const freezer: FakeDevice = {
  devEui: '70b3d57ed0000001',
  name: 'freezer-1',
  tags: { fieldops_device_id: 'dev_01jd8y3k2m00000000000000d1' },
};
const T = new Date('2026-11-30T10:00:00.000Z');

describe.skipIf(skip)('ChirpStack MQTT integration consumer (real Mosquitto)', () => {
  let broker: RestartableServer;
  let chirpstack: MqttClient;
  let consumer: MqttConsumer | undefined;
  const events: FieldopsEvent[] = [];
  const gateways: GatewayMessage[] = [];
  const observed: [string, Record<string, unknown>][] = [];

  const start = async (clientId = 'agent-test') => {
    consumer = createMqttConsumer({
      url: broker.url,
      clientId,
      applicationTopicPrefix: 'application',
      gatewayTopicPrefixes: ['as923_2'],
      source: `/sites/${SITE}/chirpstack`,
      siteId: SITE,
      onEvent: (e) => {
        events.push(e as FieldopsEvent);
      },
      onGateway: (g) => gateways.push(g),
      onObserved: (id, f) => observed.push([id, f]),
    });
    await consumer.start();
    return consumer;
  };

  beforeAll(async () => {
    broker = await startMosquitto();
    chirpstack = await connectAsync(broker.url, { clientId: 'fake-chirpstack' });
  });
  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
    events.length = 0;
    gateways.length = 0;
    observed.length = 0;
  });
  afterAll(async () => {
    await chirpstack?.endAsync();
    await broker?.stop();
  });

  it('turns every application event, Protobuf or JSON, into a valid versioned CloudEvent summary', async () => {
    await start();
    const data = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await publish(
      chirpstack,
      appTopic(freezer.devEui, 'up'),
      encodeUplink(freezer, {
        fCnt: 41,
        data,
        object: { temp: -18.5 },
        rssi: [-97, -80],
        time: T,
        dedup: 'd-1',
      }),
    );
    await publish(
      chirpstack,
      appTopic(freezer.devEui, 'up'),
      encodeUplinkJson(freezer, { fCnt: 42, data, rssi: [-90], time: T, dedup: 'd-2' }),
    );
    await publish(chirpstack, appTopic(freezer.devEui, 'status'), encodeStatus(freezer, 12, 9, T, false));
    await publish(chirpstack, appTopic(freezer.devEui, 'status'), encodeStatus(freezer, null, 4, T, true));
    await publish(chirpstack, appTopic(freezer.devEui, 'join'), encodeJoin(freezer, T));
    await publish(chirpstack, appTopic(freezer.devEui, 'ack'), encodeAck(freezer, T));
    await publish(chirpstack, appTopic(freezer.devEui, 'txack'), encodeTxAck(freezer, T));
    await publish(chirpstack, appTopic(freezer.devEui, 'log'), encodeLog(freezer, T, false));
    await publish(chirpstack, appTopic(freezer.devEui, 'log'), encodeLog(freezer, T, true));
    await publish(chirpstack, appTopic(freezer.devEui, 'location'), encodeLocation(freezer, T));
    await vi.waitFor(() => expect(events).toHaveLength(10), { timeout: 5000 });

    for (const e of events) expect(FieldopsEvent.safeParse(e).error, e.type).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual([
      'io.fieldops.chirpstack.device.uplink.v1',
      'io.fieldops.chirpstack.device.uplink.v1',
      'io.fieldops.chirpstack.device.status.v1',
      'io.fieldops.chirpstack.device.status.v1',
      'io.fieldops.chirpstack.device.joined.v1',
      'io.fieldops.chirpstack.device.downlink.v1',
      'io.fieldops.chirpstack.device.downlink.v1',
      'io.fieldops.chirpstack.device.log.v1',
      'io.fieldops.chirpstack.device.log.v1',
      'io.fieldops.chirpstack.device.location.v1',
    ]);
    const [up1, up2, st1, st2, join, ack, txack, log1, log2, loc] = events;
    // A summary: best RSSI of the gateways, sizes, no payload bytes nor decoded object unless asked.
    expect(up1).toMatchObject({
      source: `/sites/${SITE}/chirpstack`,
      id: `up.${freezer.devEui}.d-1`,
      subject: freezer.devEui,
      time: T.toISOString(),
      data: {
        dev_eui: freezer.devEui,
        device_id: 'dev_01jd8y3k2m00000000000000d1',
        site_id: SITE,
        application_id: APP_ID,
        name: 'freezer-1',
        f_cnt: 41,
        f_port: 2,
        dr: 5,
        payload_size: 10,
        rssi: -80,
        snr: 8.5,
        gateways: 2,
      },
    });
    expect(up1?.data).not.toHaveProperty('data_base64');
    expect(up1?.data).not.toHaveProperty('object');
    // The same fields from ChirpStack's JSON encoding.
    expect(up2?.data).toMatchObject({ f_cnt: 42, payload_size: 10, rssi: -90, gateways: 1 });
    expect(st1?.data).toMatchObject({ battery_level: 12, margin: 9, external_power_source: false });
    expect(st2?.data).toMatchObject({ battery_level: null, margin: 4 });
    expect(join?.data).toMatchObject({ dev_addr: '01ab23cd' });
    expect(ack?.data).toMatchObject({ kind: 'ack', acknowledged: true, f_cnt_down: 7 });
    expect(txack?.data).toMatchObject({ kind: 'txack', f_cnt_down: 8, gateway_eui: '00800000a00016b0' });
    for (const log of [log1, log2])
      expect(log?.data).toMatchObject({
        level: 'error',
        code: 'UPLINK_CODEC',
        description: 'ReferenceError: x is not defined',
      });
    expect(loc?.data).toMatchObject({ latitude: 13.7563, longitude: 100.5018, source: 'GEO_RESOLVER_TDOA' });
    // Observed state for the registry record the device is tagged with.
    expect(observed.map(([id]) => id)).toEqual(Array(6).fill('dev_01jd8y3k2m00000000000000d1'));
    expect(observed[0]?.[1]).toMatchObject({ last_seen_at: T.toISOString(), f_cnt: 41, rssi: -80 });
    expect(observed[2]?.[1]).toMatchObject({ battery_level: 12, margin: 9 });
  });

  it('keeps payloads and decoded objects only when asked', async () => {
    consumer = createMqttConsumer({
      url: broker.url,
      clientId: 'agent-payloads',
      applicationTopicPrefix: 'application',
      gatewayTopicPrefixes: [],
      source: '/sites/x/chirpstack',
      includePayload: true,
      onEvent: (e) => {
        events.push(e as FieldopsEvent);
      },
    });
    await consumer.start();
    await publish(
      chirpstack,
      appTopic(freezer.devEui, 'up'),
      encodeUplink(freezer, {
        fCnt: 1,
        data: new Uint8Array([0xaa]),
        object: { temp: -18.5 },
        rssi: [-90],
        time: T,
        dedup: 'p-1',
      }),
    );
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]?.data).toMatchObject({ data_base64: 'qg==', object: { temp: -18.5 } });
  });

  it('reads the retained conn state on subscribe and turns stats into events', async () => {
    await publish(
      chirpstack,
      'as923_2/gateway/00800000a00016b0/state/conn',
      encodeConn('00800000a00016b0', false, false),
      true,
    );
    await publish(
      chirpstack,
      'as923_2/gateway/00800000a00016b1/state/conn',
      encodeConn('00800000a00016b1', true, true),
      true,
    );
    await start('agent-gw');
    await vi.waitFor(() => expect(gateways).toHaveLength(2));
    expect(gateways).toEqual(
      expect.arrayContaining([
        { kind: 'conn', gatewayId: '00800000a00016b0', state: 'offline' },
        { kind: 'conn', gatewayId: '00800000a00016b1', state: 'online' },
      ]),
    );
    await publish(
      chirpstack,
      'as923_2/gateway/00800000a00016b1/event/stats',
      encodeStats('00800000a00016b1', T, 17),
    );
    // Another region's prefix is not this stack's: ignored.
    await publish(
      chirpstack,
      'eu868/gateway/00800000a00016b1/event/stats',
      encodeStats('00800000a00016b1', T, 17),
    );
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(events[0]).toMatchObject({
      type: 'io.fieldops.chirpstack.gateway.stats.v1',
      data: { gateway_eui: '00800000a00016b1', rx_received: 17, rx_ok: 16, tx_emitted: 2 },
    });
    await chirpstack.publishAsync('as923_2/gateway/00800000a00016b0/state/conn', '', {
      qos: 1,
      retain: true,
    });
    await chirpstack.publishAsync('as923_2/gateway/00800000a00016b1/state/conn', '', {
      qos: 1,
      retain: true,
    });
  });

  it('logs and skips a message that does not decode, naming the message and field, and keeps consuming', async () => {
    const lines: { fields: object; msg?: string }[] = [];
    consumer = createMqttConsumer({
      url: broker.url,
      clientId: 'agent-bad',
      applicationTopicPrefix: 'application',
      gatewayTopicPrefixes: [],
      source: '/sites/x/chirpstack',
      onEvent: (e) => {
        events.push(e as FieldopsEvent);
      },
      logger: {
        debug() {},
        info() {},
        error() {},
        warn: (fields, msg) => lines.push({ fields, ...(msg ? { msg } : {}) }),
      },
    });
    await consumer.start();
    await publish(chirpstack, appTopic(freezer.devEui, 'up'), '{"deviceInfo": {"devEui": "nope"}}');
    await publish(chirpstack, appTopic(freezer.devEui, 'status'), new Uint8Array([0xff, 0xff, 0xff]));
    await publish(chirpstack, appTopic(freezer.devEui, 'join'), encodeJoin(freezer, T));
    await vi.waitFor(() => expect(events).toHaveLength(1));
    expect(consumer.stats()).toMatchObject({ received: 3, events: 1, errors: 2 });
    expect(lines.map((l) => (l.fields as { err: string }).err)).toEqual([
      '@fieldops/agent/mqtt: chirpstack v4 UplinkEvent at deviceInfo.devEui: expected 16 hex digits',
      '@fieldops/agent/mqtt: chirpstack v4 StatusEvent: not a Protobuf StatusEvent',
    ]);
  });

  it('gets what was published while it was away (persistent session, QoS 1), once per event id', async () => {
    await start('agent-persistent');
    await consumer?.stop();
    await publish(chirpstack, appTopic(freezer.devEui, 'join'), encodeJoin(freezer, T));
    await publish(chirpstack, appTopic(freezer.devEui, 'join'), encodeJoin(freezer, T)); // a redelivery
    await start('agent-persistent');
    await vi.waitFor(() => expect(events).toHaveLength(2));
    // The same message twice is the same CloudEvent (source + id): the bus and inboxes drop the copy.
    expect(new Set(events.map((e) => `${e.source} ${e.id}`)).size).toBe(1);
  });
});
