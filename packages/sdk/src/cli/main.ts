import { runCli } from './run.js';

// The `fieldops` bin. All logic lives in run.ts so tests call it in-process.
const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
