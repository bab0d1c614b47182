import { describe, expect, it } from 'vitest';
import { runFaultTest } from '../scripts/fault/run.js';
import { missingServer } from '../src/testing.js';

// The issue 13 fault test at a reduced size (the full 100,000 runs with `pnpm --filter @fieldops/bus fault-test`).
describe.skipIf(missingServer('postgres', 'nats'))('fault test (reduced size)', () => {
  it.each(['keep', 'delete'] as const)(
    '2,000 events through 3 relay SIGKILLs, 2 nats-server restarts and 2 consumer SIGKILLs: none lost, none applied twice (published rows: %s)',
    async (publishedRows) => {
      const report = await runFaultTest({ events: 2_000, publishedRows });
      console.log(`fault test: ${JSON.stringify(report)}`);
      expect(report.faults).toHaveLength(7);
      expect({ unique: report.unique, lost: report.lost, appliedTwice: report.appliedTwice }).toEqual({
        unique: 2_000,
        lost: 0,
        appliedTwice: 0,
      });
      // The relays ran in the mode asked: every row kept, or every published row deleted.
      expect(report.outboxRows).toBe(publishedRows === 'keep' ? 2_000 : 0);
    },
    600_000,
  );
});
