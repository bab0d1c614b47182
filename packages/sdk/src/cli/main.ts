import { createInterface } from 'node:readline/promises';
import { EXIT, UsageError } from './io.js';
import { createCliLogger, parseLogOptions, progressMode } from './logging.js';
import { runCli } from './run.js';

// The `fieldops` bin. All logic lives in run.ts so tests call it in-process.

/** A y/N question on the terminal. */
async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

// A reader that stops early (`fieldops schema --list | head -1`) closes the pipe: that is not an
// error, the output is simply no longer wanted. End quietly with 0.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(EXIT.ok);
    throw error;
  });
}

let code: number;
try {
  const { log, rest } = parseLogOptions(process.argv.slice(2), process.stderr.isTTY === true);
  code = await runCli(rest, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    logger: createCliLogger(log, process.stderr.isTTY === true),
    progress: progressMode(log, process.stderr.isTTY === true),
    ...(process.stdin.isTTY ? { confirm } : {}),
  });
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n`);
  code = EXIT.usage;
}
process.exitCode = code;
