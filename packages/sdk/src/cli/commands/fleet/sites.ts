import { parseArgs } from 'node:util';
import type { Site } from '@fieldops/contracts/fleet/v1';
import { type CliCommand, EXIT } from '../../io.js';
import { CENTRE_OPTIONS, centreTarget, getAllPages, table } from './client.js';

/** `fieldops fleet sites`: every site with its sync state. */
export const fleetSitesCommand: CliCommand = {
  name: 'sites',
  summary: 'Every site the centre mirrors, with its last sync and whether it went stale.',
  usage: 'fieldops fleet sites [--centre URL] [--token-env NAME] [--json]',
  async run(args, io) {
    const { values } = parseArgs({ args, options: CENTRE_OPTIONS });
    const sites = await getAllPages<Site>(centreTarget(values, io), '/api/v1/sites', 'fleet.v1.SitePage');
    if (values.json) {
      io.stdout(`${JSON.stringify(sites, null, 2)}\n`);
      return EXIT.ok;
    }
    if (sites.length === 0) {
      io.stdout('no site has synced with the centre yet\n');
      return EXIT.ok;
    }
    io.stdout(
      table(
        ['SITE', 'DEVICES', 'GATEWAYS', 'REMOVED', 'LAST SYNC', 'STATE'],
        sites.map((s) => [
          s.site_id,
          String(s.devices),
          String(s.gateways),
          String(s.removed),
          s.last_sync_at,
          s.stale ? 'stale' : s.full_in_progress ? 'full sync' : 'ok',
        ]),
      ),
    );
    return EXIT.ok;
  },
};
