// @fieldops/sdk/cli/api: what packages building on the sdk need to add a `fieldops` command and to
// test it in-process (no side effects, unlike `@fieldops/sdk/cli`, which runs the CLI).

export {
  CENTRE_OPTIONS,
  type CentreTarget,
  centreTarget,
  DEFAULT_CENTRE,
  FleetCentreError,
  getFromCentre,
} from './commands/fleet/client.js';
export { readDocument } from './commands/validate.js';
export { type CliCommand, type CliIo, EXIT, UsageError } from './io.js';
export { registerCommand, registeredCommands } from './registry.js';
export { runCli } from './run.js';
