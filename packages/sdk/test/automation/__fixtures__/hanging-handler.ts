// A handler that waits on a promise nothing will ever settle: the step timeout must still end the run
// (the process must not exit with the run unfinished).
import { runSpec } from '../../../src/automation/index.js';

const result = await runSpec(
  {
    spec_version: 1,
    deployment_id: 'dep_hang0001',
    customer_id: 'cus_hang0001',
    site_id: 'site_hang0001',
    project: 'hang',
    product_code: 'X',
    product_version: '1.0.0',
    targets: {},
    actions: [{ id: 'hang', kind: 'run_health_checks', timeout_s: 0.2, checks: [{ type: 'tcp', host: '127.0.0.1', port: 1 }] }],
  },
  { handlers: { run_health_checks: { run: () => new Promise(() => {}) } } },
);
process.stdout.write(`${result.status} ${result.record.steps[0]?.error?.code}\n`);
