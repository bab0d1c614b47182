// Stand-ins for the site's edge VM: the ChirpStack Gateway Bridge's UDP port (answers each datagram,
// like the Semtech UDP forwarder's PUSH_ACK) and the gateway itself, whose stats keep it online in
// ChirpStack until the demo's scripted failure stops them.
import { createSocket } from 'node:dgram';
import type { FakeChirpStack } from '@fieldops/sdk/testing/chirpstack';

/** Starts the UDP stand-in on 127.0.0.1. */
export async function startUdpBridge(): Promise<{ port: number; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    // PUSH_DATA (0x00) gets a PUSH_ACK (0x01) with the same token; anything else is echoed.
    const ack = msg.length >= 4 && msg[3] === 0x00 ? Buffer.from([msg[0]!, msg[1]!, msg[2]!, 0x01]) : msg;
    socket.send(ack, from.port, from.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: socket.address().port, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

/** A gateway sending stats to ChirpStack every `everyMs` until `stop()` (the scripted failure). */
export function simulateGatewayStats(fake: FakeChirpStack, gatewayEui: string, everyMs = 500) {
  const beat = () => {
    if (fake.state.gateways.has(gatewayEui)) fake.setGatewaySeen(gatewayEui, new Date());
  };
  beat();
  const timer = setInterval(beat, everyMs);
  return {
    /** The gateway goes silent: ChirpStack last saw it 10 minutes ago (past 2 × its stats interval). */
    fail() {
      clearInterval(timer);
      fake.setGatewaySeen(gatewayEui, new Date(Date.now() - 10 * 60_000));
    },
    stop: () => clearInterval(timer),
  };
}
