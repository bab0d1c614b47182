#!/usr/bin/env node
// Deploys one fieldops site from its execution spec. Published as the `fieldops-deploy-site` command of
// @fieldops/openclaw-skill (compiled to dist/deploy-site.js), which OpenClaw's node installer puts on PATH;
// in this repository it runs as it is (`node scripts/deploy-site.ts` on Node ≥ 22.18, or tsx).
// Exit codes: 0 the run succeeded (or dry run), 1 it failed (a ticket and a postmortem were written),
// 2 usage error, 3 could not run (an endpoint down, an invalid spec…).
import { deploySite } from './lib/deploy-site.ts';
import { parseOptions, USAGE, UsageError } from './lib/options.ts';

let code = 0;
try {
  const result = await deploySite(parseOptions(process.argv.slice(2)));
  // The last line is for programs (the demo, an agent): one JSON object.
  console.log(`result ${JSON.stringify(result)}`);
  code = result.status === 'failed' ? 1 : 0;
} catch (error) {
  if (error instanceof UsageError) {
    if (error.message) console.error(`deploy-site: ${error.message}`);
    console.error(USAGE);
    code = 2;
  } else {
    console.error(`deploy-site: ${(error as Error).message}`);
    code = 3;
  }
}
process.exitCode = code;
