import { describe, expect, it } from 'vitest';
import { checkPorts, classifyAddress, isLanAddress, PORTS } from './v1.js';

describe('ports baseline', () => {
  it('has the gateway bridge on UDP 1700 on the site LAN', () => {
    expect(PORTS.chirpstack_gateway_bridge).toMatchObject({ protocol: 'udp', port: 1700, scope: 'site_lan' });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['localhost', 'loopback'],
    ['10.20.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.10', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.10.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fd12:3456::1', 'unique_local'],
    ['[fd12:3456::1]', 'unique_local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['8.8.8.8', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['2001:db8::1', 'public'],
    ['rfid.site.lan', 'hostname'],
    // Issue 11 item 11: hextets, not text prefixes (RFC 4291 §2.2: `fd::1` is 00fd:0:0:0:0:0:0:1).
    ['[fd::1]', 'public'],
    ['[fc::8]', 'public'],
    ['[fe8::1]', 'public'],
    ['fd00::1', 'unique_local'],
    ['fc00::8', 'unique_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'public'],
    ['fe80::1%eth0', 'link_local'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['::ffff:192.168.1.10', 'private'],
    ['0:0:0:0:0:ffff:8.8.8.8', 'public'],
    ['fd00::1::2', 'public'],
    ['fd00:zz::1', 'public'],
  ])('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });

  it('flags an RFID backend reachable from the internet and a forwarder off port 1700', () => {
    expect(isLanAddress('192.168.0.2')).toBe(true);
    expect(
      checkPorts([
        { name: 'rfid_backend_http', address: '192.168.0.2', port: 80 },
        { name: 'rfid_backend_https', address: '203.0.113.7', port: 443 },
        { name: 'chirpstack_gateway_bridge', address: '0.0.0.0', port: 1701, protocol: 'udp' },
        { name: 'central_ops_https', address: '203.0.113.8', port: 443 },
      ]),
    ).toEqual([
      'rfid_backend_https: must stay on the site LAN, but 203.0.113.7:443 is reachable from the internet',
      'chirpstack_gateway_bridge: packet forwarders expect UDP/1700, got 1701',
    ]);
  });
});
