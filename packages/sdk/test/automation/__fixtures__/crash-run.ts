// Runs a spec whose second step logs, then dies by SIGKILL: the bundle must stay readable.
import { runSpec } from '../../../src/automation/index.js';

const kbRoot = process.argv[2]!;
await runSpec(
  {
    spec_version: 1,
    deployment_id: 'dep_crash0001',
    customer_id: 'cus_crash0001',
    site_id: 'site_crash0001',
    project: 'crash-run',
    product_code: 'X',
    product_version: '1.0.0',
    targets: {},
    actions: ['first', 'second', 'third'].map((id) => ({ id, kind: 'run_health_checks', checks: [{ type: 'tcp', host: '127.0.0.1', port: 1 }] })),
  },
  {
    runId: 'run_crash0002',
    kb: { root: kbRoot },
    handlers: {
      run_health_checks: {
        async run(_a, ctx) {
          for (let i = 0; i < 3; i++) ctx.log.info(`${ctx.stepId} working ${i}`);
          if (ctx.stepId === 'second') process.kill(process.pid, 'SIGKILL');
          return { outputs: { done: true } };
        },
      },
    },
  },
);
