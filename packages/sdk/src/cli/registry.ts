import type { CliCommand } from './io.js';

// Commands from packages that build on the sdk (`@fieldops/fleet` adds `fieldops fleet diff`) cannot be
// imported by the sdk without a dependency cycle; the `fieldops` bin registers them before it runs
// the CLI. The list lives on globalThis under a registered symbol because the bin's bundle and the
// `@fieldops/sdk/cli/api` entry are separate module instances.

const KEY = Symbol.for('@fieldops/sdk/cli/commands');
const holder = globalThis as { [KEY]?: CliCommand[] };

/**
 * Adds a command to `fieldops` (a later command with the same name replaces the earlier one). A
 * two-word name (`fleet diff`) adds a subcommand beside a built-in command's own.
 */
export function registerCommand(command: CliCommand): void {
  holder[KEY] ??= [];
  const list = holder[KEY];
  const at = list.findIndex((c) => c.name === command.name);
  if (at >= 0) list[at] = command;
  else list.push(command);
}

/** The commands registered by other packages, in registration order. */
export function registeredCommands(): readonly CliCommand[] {
  return holder[KEY] ?? [];
}
