import { describe, expect, it } from 'vitest';
import { baseConfig } from '../../test/support/helpers.js';
import { normalizeConfig } from '../config.js';
import { RouteTree } from './route.js';

const config = normalizeConfig(
  baseConfig({
    route: {
      receiver: 'oncall',
      group_by: ['alertname'],
      group_wait: '30s',
      routes: [
        { matchers: ['type=~"io\\.fieldops\\.automation\\..*"'], receiver: 'manager', continue: true },
        {
          matchers: ['severity="critical"', 'site=~"site_bkk.*"'],
          receiver: 'lead',
          group_wait: '0s',
          routes: [{ matchers: ['alertname="GatewayOffline"'], group_by: ['...'] }],
        },
        { matchers: ['severity!="info"'] },
      ],
    },
  }),
);
const tree = new RouteTree(config.root);
const ids = (labels: Record<string, string>) => tree.match(labels).map((r) => r.id);

describe('RouteTree', () => {
  it('first match wins; the root takes what no child matches', () => {
    expect(ids({ alertname: 'X', severity: 'warning' })).toEqual(['0.2']);
    expect(ids({ alertname: 'X', severity: 'info' })).toEqual(['0']);
    expect(ids({ alertname: 'StationOffline', severity: 'critical', site: 'site_bkk01' })).toEqual(['0.1']);
  });

  it('continue keeps looking at later siblings', () => {
    expect(
      ids({
        alertname: 'AutomationRunFailed',
        type: 'io.fieldops.automation.run.failed.v1',
        severity: 'warning',
      }),
    ).toEqual(['0.0', '0.2']);
  });

  it('children inherit what they do not set; regexes are anchored', () => {
    const [gw] = tree.match({ alertname: 'GatewayOffline', severity: 'critical', site: 'site_bkk01' });
    expect(gw).toMatchObject({
      id: '0.1.0',
      receiver: 'lead',
      group_wait: 0,
      group_by: 'all',
      group_interval: 300_000,
    });
    expect(ids({ alertname: 'GatewayOffline', severity: 'critical', site: 'xsite_bkk01' })).toEqual(['0.2']);
  });
});
