// A fake ChirpStack (and Gateway Bridge) publisher: it encodes each event with the real Protobuf
// messages of @chirpstack/chirpstack-api, or as ChirpStack's JSON (pbjson of the same message), and
// publishes on the topics ChirpStack v4 uses (chirpstack/src/integration/mqtt.rs, v4.19.0:
// `application/{application_id}/device/{dev_eui}/event/{event}`; Gateway Bridge templates
// `{prefix}/gateway/{gateway_id}/state/conn` (retained) and `/event/stats`).
import commonPb from '@chirpstack/chirpstack-api/common/common_pb.js';
import gwPb from '@chirpstack/chirpstack-api/gw/gw_pb.js';
import integrationPb from '@chirpstack/chirpstack-api/integration/integration_pb.js';
import structPb from 'google-protobuf/google/protobuf/struct_pb.js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import type { MqttClient } from 'mqtt';

export const APP_ID = '17c82e96-be03-4f38-aef3-f83d48582d97';
export const TENANT_ID = '52f14cd4-c6f1-4fbd-8f87-4025e1d49242';

/** One fake device. */
export interface FakeDevice {
  devEui: string;
  name: string;
  tags: Record<string, string>;
}

function ts(date: Date) {
  const t = new timestampPb.Timestamp();
  t.fromDate(date);
  return t;
}

function deviceInfo(d: FakeDevice) {
  const info = new integrationPb.DeviceInfo();
  info.setTenantId(TENANT_ID);
  info.setTenantName('Cold chain');
  info.setApplicationId(APP_ID);
  info.setApplicationName('freezers');
  info.setDeviceProfileId('14855bf7-d10d-4aee-b618-ebfcb64dc7ad');
  info.setDeviceProfileName('freezer-sensor');
  info.setDeviceName(d.name);
  info.setDevEui(d.devEui);
  for (const [k, v] of Object.entries(d.tags)) info.getTagsMap().set(k, v);
  return info;
}

function jsonDeviceInfo(d: FakeDevice) {
  return {
    tenantId: TENANT_ID,
    tenantName: 'Cold chain',
    applicationId: APP_ID,
    applicationName: 'freezers',
    deviceProfileId: '14855bf7-d10d-4aee-b618-ebfcb64dc7ad',
    deviceProfileName: 'freezer-sensor',
    deviceName: d.name,
    devEui: d.devEui,
    deviceClassEnabled: 'CLASS_A',
    tags: d.tags,
  };
}

/** The inputs of an uplink. */
export interface Uplink {
  fCnt: number;
  data: Uint8Array;
  object?: Record<string, unknown>;
  rssi: number[];
  time: Date;
  dedup: string;
}

/** Encodes an UplinkEvent as Protobuf (`json=false`). */
export function encodeUplink(d: FakeDevice, u: Uplink): Uint8Array {
  const m = new integrationPb.UplinkEvent();
  m.setDeduplicationId(u.dedup);
  m.setTime(ts(u.time));
  m.setDeviceInfo(deviceInfo(d));
  m.setDevAddr('00189440');
  m.setDr(5);
  m.setFCnt(u.fCnt);
  m.setFPort(2);
  m.setData(u.data);
  if (u.object) m.setObject(structPb.Struct.fromJavaScript(u.object as never));
  m.setRxInfoList(
    u.rssi.map((rssi, i) => {
      const rx = new gwPb.UplinkRxInfo();
      rx.setGatewayId(`00800000a00016b${i}`);
      rx.setRssi(rssi);
      rx.setSnr(7.5 + i);
      return rx;
    }),
  );
  return m.serializeBinary();
}

/** Encodes an UplinkEvent as ChirpStack's JSON (pbjson, `emit_fields`). */
export function encodeUplinkJson(d: FakeDevice, u: Uplink): string {
  return JSON.stringify({
    deduplicationId: u.dedup,
    time: u.time.toISOString(),
    deviceInfo: jsonDeviceInfo(d),
    devAddr: '00189440',
    adr: false,
    dr: 5,
    fCnt: u.fCnt,
    fPort: 2,
    confirmed: false,
    data: Buffer.from(u.data).toString('base64'),
    ...(u.object ? { object: u.object } : {}),
    rxInfo: u.rssi.map((rssi, i) => ({ gatewayId: `00800000a00016b${i}`, rssi, snr: 7.5 + i })),
    txInfo: { frequency: 923200000 },
    regionConfigId: 'as923',
  });
}

/** Encodes a StatusEvent. */
export function encodeStatus(
  d: FakeDevice,
  battery: number | null,
  margin: number,
  time: Date,
  json: boolean,
) {
  if (json)
    return JSON.stringify({
      deduplicationId: `st-${d.devEui}-${time.getTime()}`,
      time: time.toISOString(),
      deviceInfo: jsonDeviceInfo(d),
      margin,
      externalPowerSource: false,
      batteryLevelUnavailable: battery === null,
      batteryLevel: battery ?? 0,
    });
  const m = new integrationPb.StatusEvent();
  m.setDeduplicationId(`st-${d.devEui}-${time.getTime()}`);
  m.setTime(ts(time));
  m.setDeviceInfo(deviceInfo(d));
  m.setMargin(margin);
  m.setBatteryLevelUnavailable(battery === null);
  m.setBatteryLevel(battery ?? 0);
  return m.serializeBinary();
}

/** Encodes a JoinEvent. */
export function encodeJoin(d: FakeDevice, time: Date) {
  const m = new integrationPb.JoinEvent();
  m.setDeduplicationId(`join-${d.devEui}`);
  m.setTime(ts(time));
  m.setDeviceInfo(deviceInfo(d));
  m.setDevAddr('01ab23cd');
  return m.serializeBinary();
}

/** Encodes an AckEvent. */
export function encodeAck(d: FakeDevice, time: Date) {
  const m = new integrationPb.AckEvent();
  m.setDeduplicationId(`ack-${d.devEui}`);
  m.setTime(ts(time));
  m.setDeviceInfo(deviceInfo(d));
  m.setQueueItemId('9a1e3c0f-5c55-4c2b-9d55-6c2d2f6f0001');
  m.setAcknowledged(true);
  m.setFCntDown(7);
  return m.serializeBinary();
}

/** Encodes a TxAckEvent. */
export function encodeTxAck(d: FakeDevice, time: Date) {
  const m = new integrationPb.TxAckEvent();
  m.setDownlinkId(1234);
  m.setTime(ts(time));
  m.setDeviceInfo(deviceInfo(d));
  m.setQueueItemId('9a1e3c0f-5c55-4c2b-9d55-6c2d2f6f0002');
  m.setFCntDown(8);
  m.setGatewayId('00800000A00016B0');
  return m.serializeBinary();
}

/** Encodes a LogEvent. */
export function encodeLog(d: FakeDevice, time: Date, json: boolean) {
  if (json)
    return JSON.stringify({
      time: time.toISOString(),
      deviceInfo: jsonDeviceInfo(d),
      level: 'ERROR',
      code: 'UPLINK_CODEC',
      description: 'ReferenceError: x is not defined',
      context: { deduplication_id: 'abc' },
    });
  const m = new integrationPb.LogEvent();
  m.setTime(ts(time));
  m.setDeviceInfo(deviceInfo(d));
  m.setLevel(integrationPb.LogLevel.ERROR);
  m.setCode(integrationPb.LogCode.UPLINK_CODEC);
  m.setDescription('ReferenceError: x is not defined');
  return m.serializeBinary();
}

/** Encodes a LocationEvent. */
export function encodeLocation(d: FakeDevice, time: Date) {
  const m = new integrationPb.LocationEvent();
  m.setDeduplicationId(`loc-${d.devEui}`);
  m.setTime(ts(time));
  m.setDeviceInfo(deviceInfo(d));
  const loc = new commonPb.Location();
  loc.setLatitude(13.7563);
  loc.setLongitude(100.5018);
  loc.setAltitude(12);
  loc.setSource(commonPb.LocationSource.GEO_RESOLVER_TDOA);
  m.setLocation(loc);
  return m.serializeBinary();
}

/** Encodes a gateway ConnState. */
export function encodeConn(gatewayId: string, online: boolean, json: boolean) {
  if (json) return JSON.stringify({ gatewayId, ...(online ? { state: 'ONLINE' } : {}) });
  const m = new gwPb.ConnState();
  m.setGatewayId(gatewayId);
  m.setState(online ? gwPb.ConnState.State.ONLINE : gwPb.ConnState.State.OFFLINE);
  return m.serializeBinary();
}

/** Encodes a GatewayStats. */
export function encodeStats(gatewayId: string, time: Date, rx: number) {
  const m = new gwPb.GatewayStats();
  m.setGatewayId(gatewayId);
  m.setTime(ts(time));
  m.setRxPacketsReceived(rx);
  m.setRxPacketsReceivedOk(rx - 1);
  m.setTxPacketsReceived(2);
  m.setTxPacketsEmitted(2);
  return m.serializeBinary();
}

/** The application event topic. */
export const appTopic = (devEui: string, event: string) =>
  `application/${APP_ID}/device/${devEui}/event/${event}`;

/** Publishes at QoS 1 and waits for the PUBACK. */
export async function publish(
  client: MqttClient,
  topic: string,
  payload: Uint8Array | string,
  retain = false,
) {
  await client.publishAsync(topic, Buffer.from(payload), { qos: 1, retain });
}
