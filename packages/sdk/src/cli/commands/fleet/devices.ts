import { parseArgs } from 'node:util';
import type { SiteDevice } from '@fieldops/contracts/fleet/v1';
import { SiteId } from '@fieldops/contracts/ids/v1';
import { type CliCommand, EXIT, UsageError } from '../../io.js';
import { CENTRE_OPTIONS, centreTarget, getAllPages, table } from './client.js';

/** `fieldops fleet devices [--site S]`: devices with status and last seen, per site or across sites. */
export const fleetDevicesCommand: CliCommand = {
  name: 'devices',
  summary: 'Devices with their status and last seen, for one site or across every site.',
  usage:
    'fieldops fleet devices [--site SITE_ID] [--include-removed] [--centre URL] [--token-env NAME] [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { ...CENTRE_OPTIONS, site: { type: 'string' }, 'include-removed': { type: 'boolean' } },
    });
    if (values.site !== undefined && !SiteId.safeParse(values.site).success)
      throw new UsageError(
        `fieldops fleet devices: --site ${JSON.stringify(values.site)} is not a site id (site_…)`,
      );
    const target = centreTarget(values, io);
    const removed = values['include-removed'] ? 'include_removed=true' : '';
    const path = values.site
      ? `/api/v1/sites/${values.site}/devices${removed ? `?${removed}` : ''}`
      : `/api/v1/devices${removed ? `?${removed}` : ''}`;
    const devices = await getAllPages<SiteDevice>(target, path, 'fleet.v1.SiteDevicePage');
    if (values.json) {
      io.stdout(`${JSON.stringify(devices, null, 2)}\n`);
      return EXIT.ok;
    }
    if (devices.length === 0) {
      io.stdout(
        values.site ? `site ${values.site} has no devices at the centre\n` : 'no devices at the centre\n',
      );
      return EXIT.ok;
    }
    io.stdout(
      table(
        ['SITE', 'DEV EUI', 'NAME', 'STATUS', 'LAST SEEN'],
        devices.map((d) => [
          d.site_id,
          d.device.dev_eui,
          d.device.name,
          d.status,
          d.device.last_seen_at ?? '-',
        ]),
      ),
    );
    return EXIT.ok;
  },
};
