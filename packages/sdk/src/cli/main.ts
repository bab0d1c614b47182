import { createInterface } from 'node:readline/promises';
import { runCli } from './run.js';

/** A y/N question on the terminal. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

// The `fieldops` bin. All logic lives in run.ts so tests call it in-process.
const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
  ...(process.stdin.isTTY ? { confirm } : {}),
});
process.exitCode = code;
