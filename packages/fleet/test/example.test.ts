import { expect, it } from 'vitest';
import { main } from '../examples/embedded.js';

it('the README example runs: the site appears at the centre after one round', async () => {
  const lines: string[] = [];
  const sites = await main((l) => lines.push(l));
  expect(sites).toHaveLength(1);
  expect(sites[0]).toMatchObject({
    site_id: 'site_01JD0000000000000000000001',
    last_sequence: 1,
    stale: false,
  });
  expect(lines[0]).toMatch(/^sent 1 batch\(es\), full: true, \d+ bytes$/);
}, 240_000); // two PGlite databases and a fake ChirpStack: over a minute at load 30+
