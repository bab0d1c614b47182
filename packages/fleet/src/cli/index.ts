import { type CliCommand, UsageError } from '@fieldops/sdk/cli/api';
import { fleetDiff } from './diff.js';

// `fieldops fleet <sub>`: one file per subcommand; this file only dispatches. The `fieldops` bin
// (@fieldops/cli) registers this command with the sdk's CLI (`registerCommand`).

/** A `fieldops fleet` subcommand. */
export interface FleetSubcommand {
  name: string;
  usage: string;
  run: CliCommand['run'];
}

const SUBCOMMANDS: readonly FleetSubcommand[] = [fleetDiff];

/** `fieldops fleet diff|…` */
export const fleetCommand: CliCommand = {
  name: 'fleet',
  summary: 'The hybrid fleet: compare a site with the registry and the central mirror (diff).',
  usage: SUBCOMMANDS.map((s) => s.usage).join('\n\n'),
  async run(args, io) {
    const [name, ...rest] = args;
    const sub = SUBCOMMANDS.find((s) => s.name === name);
    if (!sub) throw new UsageError(`fieldops fleet: expected ${SUBCOMMANDS.map((s) => s.name).join(', ')}`);
    return sub.run(rest, io);
  },
};
