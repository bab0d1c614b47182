// The LAN-only guard of the RFID client against a real loopback server (no MSW here: MSW would
// answer the redirect itself). Issue 11 item 11.
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { assertLanUrl, createRfidClient, LanGuardError } from '../../src/rfid/index.js';
import { tagReads } from './fixtures.js';

describe('the RFID client stays on the LAN', () => {
  it('follows no redirect: a 307 to another address is refused and nothing is sent there', async () => {
    let elsewhere = 0;
    const other = createServer((_req, res) => {
      elsewhere += 1;
      res.end('{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherPort = (other.address() as { port: number }).port;
    let asked = 0;
    const redirecting = createServer((_req, res) => {
      asked += 1;
      res.writeHead(307, { location: `http://127.0.0.1:${otherPort}/api/v1/events` }).end();
    });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    const port = (redirecting.address() as { port: number }).port;
    try {
      const c = createRfidClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'station-token-0001' });
      const failure = c.ingestBatch(tagReads(1));
      await expect(failure).rejects.toBeInstanceOf(LanGuardError);
      await expect(failure).rejects.toThrow(/307 redirect .*follows no redirect/);
      expect(asked).toBe(1); // refused at once, not retried
      expect(elsewhere).toBe(0);
    } finally {
      redirecting.close();
      other.close();
    }
  });

  it('resolves every name, localhost and *.localhost included', async () => {
    const publicLookup = async () => [{ address: '93.184.216.34' }];
    for (const url of ['http://evil.localhost', 'http://localhost:8080']) {
      await expect(assertLanUrl(url, { lookup: publicLookup })).rejects.toBeInstanceOf(LanGuardError);
    }
    await expect(
      assertLanUrl('http://rfid.localhost', { lookup: async () => [{ address: '127.0.0.1' }] }),
    ).resolves.toBeUndefined();
  });

  it('reads IPv6 literals by their hextets ([fd::1] is 00fd::1, public; [fd00::1] is unique-local)', async () => {
    for (const url of ['http://[fd::1]', 'http://[fc::8]', 'http://[fe8::1]']) {
      await expect(assertLanUrl(url)).rejects.toThrow(/public address/);
    }
    for (const url of ['http://[fd00::1]', 'http://[fe80::1]', 'http://[::1]:8080']) {
      await expect(assertLanUrl(url)).resolves.toBeUndefined();
    }
  });
});
