import { missingServer } from '@fieldops/bus/testing';
import { describe, expect, it } from 'vitest';
import { runFaultTest } from '../scripts/fault/run.js';
import { seeded } from './support/helpers.js';

// The issue-14 fault test at a reduced size (the full 10,000 incidents run with
// `pnpm --filter @fieldops/notify fault-test`). Real notify processes on a real PostgreSQL, pages
// counted at a real HTTP pager.
describe.skipIf(missingServer('postgres'))('fault test (reduced size)', () => {
  it('200 incidents, two-level escalations, 5 SIGKILLs then a replica takeover with escalations pending: every page once', async () => {
    const report = await runFaultTest({
      incidents: 200,
      kills: 5,
      delayMs: 3_000,
      leaseMs: 3_000,
      spreadMs: 4_000,
      rate: 500,
      random: seeded(14),
    });
    console.log(`notify fault test: ${JSON.stringify(report)}`);
    // 5 kills and the takeover, plus a restart of a replica that lost its lease under load (exit 3).
    expect(report.faults.length).toBeGreaterThanOrEqual(6);
    expect({
      incidents: report.incidents,
      delivered: report.delivered,
      missing: report.missing,
      duplicates: report.duplicates,
    }).toEqual({ incidents: 200, delivered: 600, missing: 0, duplicates: 0 });
    // A quarter of the incidents arrive after the standby joined and the active replica is killed
    // before their escalations are due: the standby sends those pages (a takeover with work pending).
    expect(report.pagesAfterTakeover).toBeGreaterThan(0);
    expect(report.takeoverMs).toBeDefined();
  }, 900_000);
});
