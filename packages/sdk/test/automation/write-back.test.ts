import * as automation from '@fieldops/contracts/automation/v1';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ActionHandler, runSpec } from '../../src/automation/index.js';
import { createRegistryClient } from '../../src/registry/index.js';
import { createRegistryMswKit } from '../../src/testing/index.js';
import { buildSpec, captureLogger } from './helpers.js';

// Write-back through the real RegistryClient to the registry MSW kit (real provider semantics:
// idempotency keys replayed), with faults injected on the way.
const kit = createRegistryMswKit({
  baseUrl: 'https://registry.test',
  backend: { apiTokens: ['t0ken-registry'] },
});
const server = setupServer(...kit.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => kit.reset());

const noop: ActionHandler<'run_health_checks'> = { run: async () => ({ outputs: { ok: true } }) };
const checks = ['a', 'b', 'c'].map((id) => ({
  id,
  kind: 'run_health_checks',
  checks: [{ type: 'tcp', host: '127.0.0.1', port: 1 }],
}));
const client = () =>
  createRegistryClient({
    baseUrl: 'https://registry.test',
    token: 't0ken-registry',
    sleep: async () => {},
    retry: { maxAttempts: 4 },
  });

describe('registry write-back under faults', () => {
  it('an update whose answer was lost is retried with the same key and applied once', async () => {
    kit.faults.set('updateAutomationRun', { dropResponse: true, times: 2 });
    const r = await runSpec(buildSpec(checks), { handlers: { run_health_checks: noop }, registry: client() });
    expect(r.status).toBe('succeeded');
    const [stored] = kit.backend.runs();
    // Same timeline as the runner's: no entry appended twice by a replayed PATCH.
    expect(automation.RunRecord.parse(stored)).toEqual(r.record);
    expect(kit.faults.calls.get('updateAutomationRun')).toBe(r.writeBack.calls - 1 + 2);
  });

  it('a registry that is down for the whole run: the run succeeds, the failures are logged', async () => {
    kit.faults.set('*', { status: 503 });
    const { lines, logger } = captureLogger();
    const r = await runSpec(buildSpec(checks), {
      handlers: { run_health_checks: noop },
      registry: client(),
      logger,
    });
    expect(r.status).toBe('succeeded');
    expect(r.writeBack.failures).toBe(2);
    expect(lines.filter((l) => l.includes('registry write-back createAutomationRun failed'))).toHaveLength(2);
    kit.faults.clear();
    expect(kit.backend.runs()).toEqual([]);
  });

  it('a registry down at the start gets the full record at the end', async () => {
    kit.faults.set('createAutomationRun', { status: 503, times: 4 });
    const r = await runSpec(buildSpec(checks), { handlers: { run_health_checks: noop }, registry: client() });
    expect(r.writeBack.failures).toBe(1);
    expect(automation.RunRecord.parse(kit.backend.runs()[0])).toEqual(r.record);
  });
});
