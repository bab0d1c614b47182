import { parseArgs } from 'node:util';
import type { FleetStatus } from '@fieldops/contracts/fleet/v1';
import { type CliCommand, EXIT } from '../../io.js';
import { CENTRE_OPTIONS, centreTarget, getFromCentre } from './client.js';

/** `fieldops fleet status`: the whole fleet at a glance. */
export const fleetStatusCommand: CliCommand = {
  name: 'status',
  summary: 'The whole fleet at a glance: sites (stale, syncing), devices by status, gateways by state.',
  usage: 'fieldops fleet status [--centre URL] [--token-env NAME] [--json]',
  async run(args, io) {
    const { values } = parseArgs({ args, options: CENTRE_OPTIONS });
    const target = centreTarget(values, io);
    const s = await getFromCentre<FleetStatus>(target, '/api/v1/status', 'fleet.v1.FleetStatus');
    if (values.json) {
      io.stdout(`${JSON.stringify(s, null, 2)}\n`);
      return EXIT.ok;
    }
    const window = s.active_window_s % 3600 === 0 ? `${s.active_window_s / 3600}h` : `${s.active_window_s}s`;
    io.stdout(
      [
        `centre    ${target.url} (${s.time})`,
        `sites     ${s.sites.total}: ${s.sites.stale} stale, ${s.sites.syncing_full} in a full sync; oldest last sync ${s.oldest_sync_at ?? '-'}`,
        `devices   ${s.devices.total}: ${s.devices.active} active (seen within ${window}), ${s.devices.inactive} inactive, ${s.devices.never_seen} never seen; ${s.devices.removed} removed`,
        `gateways  ${s.gateways.total}: ${s.gateways.online} online, ${s.gateways.offline} offline, ${s.gateways.never_seen} never seen; ${s.gateways.removed} removed`,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  },
};
