import { type CliCommand, EXIT, UsageError } from '../io.js';
import { fleetDevicesCommand } from './fleet/devices.js';
import { fleetSitesCommand } from './fleet/sites.js';
import { fleetStatusCommand } from './fleet/status.js';

// `fieldops fleet <subcommand>`: the central fleet view (issue 16). Each subcommand lives in its own
// file under ./fleet/; add yours to this list.
const SUBCOMMANDS: readonly CliCommand[] = [fleetStatusCommand, fleetSitesCommand, fleetDevicesCommand];

/** `fieldops fleet status|sites|devices` (and the registered `fleet diff`): read the centre's mirror of every site's ChirpStack fleet. */
export const fleetCommand: CliCommand = {
  name: 'fleet',
  summary: "Read the centre's read-only view of every site's ChirpStack fleet (status, sites, devices).",
  usage: [
    ...SUBCOMMANDS.map((c) => c.usage),
    '',
    ...SUBCOMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`),
    '  diff     Compare a site (actual) with the registry (desired) and the centre (mirror), entity by entity',
    '           and field by field; exit 3 on drift. `fieldops fleet diff --help` (the fieldops CLI of @fieldops/cli).',
    '',
    'The centre is the fleet.v1 API (`fieldops-fleet serve`): --centre URL, else FIELDOPS_FLEET_URL, else',
    'http://127.0.0.1:8790. Its bearer token is read from FIELDOPS_FLEET_TOKEN (or the variable --token-env names).',
    'Exit 0 on success, 1 when the centre cannot be reached or refuses, 2 on usage errors.',
  ].join('\n'),
  async run(args, io) {
    const [name, ...rest] = args;
    const sub = SUBCOMMANDS.find((c) => c.name === name);
    if (!sub)
      throw new UsageError(
        `fieldops fleet: ${name ? `unknown subcommand ${JSON.stringify(name)}` : 'name a subcommand'}: ${SUBCOMMANDS.map((c) => c.name).join(', ')}`,
      );
    return (await sub.run(rest, io)) ?? EXIT.ok;
  },
};
