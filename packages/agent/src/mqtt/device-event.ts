/** The device fields every ChirpStack application event carries (`DeviceInfo`). */
export interface DeviceInfoSummary {
  tenantId: string;
  applicationId: string;
  applicationName: string;
  deviceProfileName: string;
  deviceName: string;
  devEui: string;
  tags: Record<string, string>;
}

/** Fields every decoded application event has. */
interface Common {
  device: DeviceInfoSummary;
  /** The event's time (RFC 3339) or undefined when ChirpStack sent none. */
  time: string | undefined;
  /** ChirpStack's deduplication id (uplink, status, join, ack), or undefined. */
  deduplicationId: string | undefined;
}

/** A ChirpStack application event reduced to what fieldops uses; same shape from JSON and Protobuf. */
export type DeviceEvent =
  | (Common & {
      event: 'up';
      devAddr: string;
      fCnt: number;
      fPort: number;
      dr: number;
      confirmed: boolean;
      payloadSize: number;
      /** The payload, base64; only kept when asked for. */
      data: string | undefined;
      /** The codec's decoded object, when the device profile has a codec. */
      object: Record<string, unknown> | undefined;
      rssi: number | null;
      snr: number | null;
      gateways: number;
    })
  | (Common & {
      event: 'status';
      margin: number;
      externalPowerSource: boolean;
      batteryLevel: number | null;
    })
  | (Common & { event: 'join'; devAddr: string })
  | (Common & { event: 'ack'; acknowledged: boolean; fCntDown: number; queueItemId: string })
  | (Common & {
      event: 'txack';
      fCntDown: number;
      gatewayId: string;
      queueItemId: string;
      downlinkId: number;
    })
  | (Common & { event: 'log'; level: 'info' | 'warning' | 'error'; code: string; description: string })
  | (Common & {
      event: 'location';
      latitude: number;
      longitude: number;
      altitude: number;
      source: string;
    });

/** A gateway message reduced to what fieldops uses. */
export type GatewayMessage =
  | { kind: 'conn'; gatewayId: string; state: 'online' | 'offline' }
  | {
      kind: 'stats';
      gatewayId: string;
      time: string | undefined;
      rxReceived: number;
      rxOk: number;
      txReceived: number;
      txEmitted: number;
    };
