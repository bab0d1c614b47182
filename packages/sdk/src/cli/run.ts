import { createRequire } from 'node:module';
import { isContractError } from '@fieldops/contracts';
import { FieldopsError } from '@fieldops/core';
import { chirpstackCommand } from './commands/chirpstack.js';
import { fleetCommand } from './commands/fleet.js';
import { gatewayConfigCommand } from './commands/gateway-config.js';
import { schemaCommand } from './commands/schema.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';
import { type CliCommand, type CliIo, EXIT, UsageError } from './io.js';
import { registeredCommands } from './registry.js';

// Every subcommand, by name. Issues add theirs here (verify, chirpstack, gateway-config, …).
// Packages that build on the sdk register theirs (registry.ts).
const BUILT_IN: readonly CliCommand[] = [
  validateCommand,
  schemaCommand,
  verifyCommand,
  chirpstackCommand,
  gatewayConfigCommand,
  fleetCommand,
];

const commands = (): readonly CliCommand[] => [...BUILT_IN, ...registeredCommands()];

/**
 * The version of this package (`fieldops --version`). Read through the package's own name (its
 * `./package.json` export): a relative path breaks once the bundler moves this code into a shared chunk.
 */
export const VERSION: string = (
  createRequire(import.meta.url)('@fieldops/sdk/package.json') as { version: string }
).version;

function help(): string {
  const COMMANDS = commands();
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'fieldops: versioned, logged and testable integration points for field operations.',
    '',
    'Usage: fieldops <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --version                  print the version',
    '  --log-level LEVEL          debug | info | warn | error | silent (default info); logs go to stderr',
    '  --log-format json|pretty   default: pretty on a terminal, JSON lines otherwise',
    '  --quiet, -q                no progress (a bar on a terminal, a log line per 10% otherwise);',
    '                             warnings and errors only, unless --log-level is given',
    '',
    'Exit codes:',
    '  0  success (also when the reader of stdout closes the pipe early, e.g. `| head -1`)',
    '  1  invalid input, a failed check or a failed operation',
    '  2  a bad command line (unknown command or option, missing argument)',
    '',
    "Run `fieldops <command> --help` for a command's options.",
    '',
  ].join('\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--version' || name === '-V') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  // A registered two-word command (`fleet diff`) takes its subcommand before the one-word command does.
  const all = commands();
  const nested = args[0] ? all.find((c) => c.name === `${name} ${args[0]}`) : undefined;
  const command = nested ?? all.find((c) => c.name === name);
  if (!command) {
    io.stderr(`fieldops: unknown command ${JSON.stringify(name)}\n\n${help()}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(nested ? args.slice(1) : args, io);
  } catch (error) {
    if (
      error instanceof UsageError ||
      // A registered command's UsageError comes from another bundle of this file: same code, other class.
      (error instanceof FieldopsError && error.code === 'usage') ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr(`${error.message}\n\nUsage:\n${command.usage}\n`);
      return EXIT.usage;
    }
    if (isContractError(error)) {
      io.stderr(`${error.message}\n`);
      return EXIT.invalid;
    }
    // Every sdk error (a secret not found, a refused call, …): its message, not a stack trace.
    if (error instanceof FieldopsError) {
      io.stderr(`${error.message}\n`);
      return EXIT.invalid;
    }
    throw error;
  }
}
