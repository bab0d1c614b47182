import { readFileSync } from 'node:fs';
import type { automation, registry } from '@fieldops/contracts';

/** A valid device upsert body. */
export function deviceBody(
  id = 'dev_0001abcd',
  extra: Partial<registry.DeviceUpsert> = {},
): registry.DeviceUpsert {
  return {
    device_id: id,
    customer_id: 'cus_acme0001',
    site_id: 'site_bkk00001',
    deployment_id: 'dep_bkk00001',
    product_code: 'RFID-STATION',
    product_version: '1.2.0',
    role: 'station',
    desired_state: { version: 1, updated_at: '2026-11-27T10:00:00Z', data: { antenna_power_dbm: 27 } },
    external_refs: {},
    ...extra,
  } as registry.DeviceUpsert;
}

/** A valid run record. */
export function runRecord(id = 'run_0001abcd'): automation.RunRecord {
  return {
    automation_run_id: id,
    spec_version: 1,
    deployment_id: 'dep_bkk00001',
    project: 'site-bkk-01',
    status: 'running',
    queued_at: '2026-11-27T10:00:00Z',
    timeline: [{ at: '2026-11-27T10:00:00Z', status: 'running' }],
    steps: [],
    links: [],
  } as unknown as automation.RunRecord;
}

/** A valid ticket body. */
export const ticketBody: registry.TicketCreate = {
  title: 'Gateway gw_1 offline',
  body: 'Health check failed.',
  severity: 'high',
};

/** The example execution spec of the repository. */
export function executionSpec(): automation.ExecutionSpec {
  return JSON.parse(readFileSync(new URL('./__fixtures__/spec.json', import.meta.url), 'utf8'));
}

/** A logger that keeps every line as JSON text. */
export function captureLogger() {
  const lines: string[] = [];
  const push = (level: string) => (obj: Record<string, unknown>, msg?: string) => {
    lines.push(JSON.stringify({ level, ...obj, msg }));
  };
  return {
    lines,
    logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') },
  };
}
