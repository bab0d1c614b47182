import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateContractDocs } from '../scripts/generate-contract-docs.mjs';

// The contract pages generated from the real generated/ documents of @fieldops/contracts (no docusaurus
// build: site.test.ts builds the whole site).

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'fieldops-contract-docs-'));
  await generateContractDocs(undefined, out);
});
afterAll(() => rm(out, { recursive: true, force: true }));

describe('generated contract pages', () => {
  it('keep v1 pages where they were and put v2 beside them, never over them', async () => {
    const v1 = await readFile(path.join(out, 'rfid/EventBatch.md'), 'utf8');
    const v2 = await readFile(path.join(out, 'rfid/v2/EventBatch.md'), 'utf8');
    expect(v1).toContain('# rfid.v1.EventBatch');
    expect(v1).not.toContain('`health`');
    expect(v2).toContain('# rfid.v2.EventBatch');
    expect(v2).toContain('`health.temperature_c`');
    expect(await readdir(path.join(out, 'events/v2'))).toContain('RfidStationHealth.md');
  });

  it('show the deprecation and sunset on the pages of a deprecated version only', async () => {
    const v1 = await readFile(path.join(out, 'rfid/StationStatus.md'), 'utf8');
    expect(v1).toContain(':::warning Deprecated');
    expect(v1).toContain('2026-12-01T00:00:00Z');
    expect(v1).toContain('2027-06-30T23:59:59Z');
    expect(v1).toContain('Move to version 2');
    const v2 = await readFile(path.join(out, 'rfid/v2/StationStatus.md'), 'utf8');
    expect(v2).not.toContain('Deprecated');
    const index = await readFile(path.join(out, 'rfid/index.md'), 'utf8');
    expect(index).toContain('## Version 1 (deprecated)');
    expect(index).toContain('## Version 2 (current)');
    expect(index).toContain('(./v2/EventBatch.md)');
  });

  it('write the compatibility matrix: package versions per contract version, and the converters', async () => {
    const page = await readFile(path.join(out, 'compatibility.md'), 'utf8');
    const row = (start: string) => page.split('\n').find((l) => l.startsWith(start)) ?? '';
    // columns: contract | version | status | deprecated | sunset | @fieldops/bus | contracts | notify | sdk
    expect(row('| `rfid` | v1 |')).toMatch(/deprecated \| 2026-12-01T00:00:00Z \| 2027-06-30T23:59:59Z/);
    expect(row('| `rfid` | v2 |')).toMatch(/\| current \|.*≥ 1\.1\.0.*≥ 0\.2\.0/);
    expect(row('| `rfid.StationStatus` | v2 | v1 |')).toContain('| yes |');
    expect(row('| `io.fieldops.rfid.station.health` | v2 | v1 |')).toContain('temperature_high');
    expect(page).not.toContain('| `rfid.EventBatch` | v1 | v2 |');
  });
});
