import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../config.js';
import { RouteTree } from './route.js';

// Oracle: prometheus/alertmanager@68fb2d5 dispatch/route_test.go TestRouteMatchers (:395), the same
// tree written with matcher strings; each case cites the line of its input.
const AM = 'prometheus/alertmanager@68fb2d5 dispatch/route_test.go';
const names = [
  'notify-def',
  'notify-A',
  'notify-testing',
  'notify-productionA',
  'notify-productionB',
  'notify-BC',
];
const config = normalizeConfig({
  route: {
    receiver: 'notify-def',
    routes: [
      {
        matchers: ['{owner="team-A"}', '{level!="critical"}'],
        receiver: 'notify-A',
        routes: [
          { matchers: ['{env="testing"}', '{baz!~".*quux"}'], receiver: 'notify-testing', group_by: ['...'] },
          {
            matchers: ['{env="production"}'],
            receiver: 'notify-productionA',
            group_wait: '1m',
            continue: true,
          },
          {
            matchers: ['env=~"produ.*"', 'job=~".*"'],
            receiver: 'notify-productionB',
            group_wait: '30s',
            group_interval: '5m',
            repeat_interval: '1h',
            group_by: ['job'],
          },
        ],
      },
      {
        matchers: ['owner=~"team-(B|C)"'],
        group_by: ['foo', 'bar'],
        group_wait: '2m',
        receiver: 'notify-BC',
      },
      {
        matchers: ['group_by="role"'],
        group_by: ['role'],
        routes: [
          {
            matchers: ['{env="testing"}'],
            receiver: 'notify-testing',
            routes: [{ matchers: ['wait="long"'], group_wait: '2m' }],
          },
        ],
      },
    ],
  },
  receivers: names.map((name) => ({
    name,
    contacts: [{ name: 'c', chain: [{ channel: 'email' as const, to: 'a@b.c' }] }],
  })),
  channels: { email: { host: 'h', port: 25, from: 'a@b.c' } },
});
const tree = new RouteTree(config.root);
const match = (labels: Record<string, string>) =>
  tree
    .match(labels)
    .map((r) => [r.receiver, r.group_by === 'all' ? '...' : r.group_by.join(','), r.group_wait / 1000]);

describe(`routing with matcher strings (${AM} TestRouteMatchers)`, () => {
  const cases: [line: number, labels: Record<string, string>, want: (string | number)[][]][] = [
    [465, { owner: 'team-A' }, [['notify-A', '', 30]]],
    [482, { owner: 'team-A', env: 'unset' }, [['notify-A', '', 30]]],
    [500, { owner: 'team-C' }, [['notify-BC', 'foo,bar', 120]]],
    [517, { owner: 'team-A', env: 'testing' }, [['notify-testing', '...', 30]]],
    [
      535,
      { owner: 'team-A', env: 'production' },
      [
        ['notify-productionA', '', 60],
        ['notify-productionB', 'job', 30],
      ],
    ],
    [565, { group_by: 'role' }, [['notify-def', 'role', 30]]],
    [582, { env: 'testing', group_by: 'role' }, [['notify-testing', 'role', 30]]],
    [600, { env: 'testing', group_by: 'role', wait: 'long' }, [['notify-testing', 'role', 120]]],
  ];
  for (const [line, labels, want] of cases) {
    it(`${JSON.stringify(labels)} (${AM}:${line})`, () => {
      expect(match(labels)).toEqual(want);
    });
  }
});
