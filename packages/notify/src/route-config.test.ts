import { describe, expect, it } from 'vitest';
import { type NotifyConfig, normalizeConfig } from './config.js';

// Oracle: Alertmanager's loader, prometheus/alertmanager@68fb2d5 config/config.go (Load, Config
// UnmarshalYAML, Route.UnmarshalYAML) and its tests config/config_test.go. Each test cites the case it ports.
const AM = 'prometheus/alertmanager@68fb2d5';
const base: NotifyConfig = {
  route: { receiver: 'r' },
  receivers: [{ name: 'r', contacts: [{ name: 'c', chain: [{ channel: 'email', to: 'a@b.c' }] }] }],
  channels: { email: { host: 'h', port: 25, from: 'a@b.c' } },
};
const load = (route: NotifyConfig['route'], extra: Partial<NotifyConfig> = {}) =>
  normalizeConfig({ ...base, ...extra, route });

describe(`loading is as strict as Alertmanager's (${AM} config/config_test.go)`, () => {
  it('refuses duplicated group_by labels, naming the path (TestGroupByHasNoDuplicatedLabels, config_test.go:414)', () => {
    expect(() => load({ receiver: 'r', group_by: ['alertname', 'cluster', 'service', 'cluster'] })).toThrow(
      /route\.group_by\[3\]: duplicated label "cluster"/,
    );
  });
  it('refuses ... mixed with labels (TestWildcardGroupByWithOtherGroupByLabels, config_test.go:434)', () => {
    expect(() => load({ receiver: 'r', routes: [{ group_by: ['alertname', 'cluster', '...'] }] })).toThrow(
      /route\.routes\[0\]\.group_by: cannot have the wildcard '\.\.\.' and other labels/,
    );
  });
  it('refuses an invalid group_by label (TestGroupByInvalidLabel, config_test.go:454)', () => {
    expect(() => load({ receiver: 'r', group_by: ['-invalid-'] })).toThrow(
      /route\.group_by\[0\]: invalid label name "-invalid-"/,
    );
  });
  it('refuses matchers on the root route (TestRootRouteHasNoMatcher, config_test.go:584)', () => {
    expect(() => load({ receiver: 'r', matchers: ['severity="critical"'] })).toThrow(
      /route\.matchers: the root route must not have matchers/,
    );
    // An empty list is no matcher (config.go:670 checks len > 0).
    expect(() => load({ receiver: 'r', matchers: [] })).not.toThrow();
  });
  it('refuses continue on the root route (TestContinueErrorInRouteRoot, config_test.go:628; config.go:146)', () => {
    expect(() => load({ receiver: 'r', continue: true })).toThrow(
      /route\.continue: the root route cannot have continue/,
    );
    expect(() => load({ receiver: 'r', routes: [{ continue: true }] })).not.toThrow();
  });
  it('refuses a zero group_interval and a zero repeat_interval (config_test.go:649, :670)', () => {
    expect(() => load({ receiver: 'r', routes: [{ group_interval: '0s' }] })).toThrow(
      /route\.routes\[0\]\.group_interval: expected more than 0/,
    );
    expect(() => load({ receiver: 'r', routes: [{ routes: [{ repeat_interval: '0s' }] }] })).toThrow(
      /route\.routes\[0\]\.routes\[0\]\.repeat_interval: expected more than 0/,
    );
  });
  it('refuses invalid or duplicated inhibit `equal` labels, naming the path', () => {
    const rule = { source_matchers: ['a="1"'], target_matchers: ['b="1"'] };
    expect(() => load({ receiver: 'r' }, { inhibit_rules: [{ ...rule, equal: ['site', 'site'] }] })).toThrow(
      /inhibit_rules\[0\]\.equal\[1\]: duplicated label "site"/,
    );
    expect(() => load({ receiver: 'r' }, { inhibit_rules: [{ ...rule, equal: ['a-b'] }] })).toThrow(
      /inhibit_rules\[0\]\.equal\[0\]: invalid label name "a-b"/,
    );
  });
  it('a malformed matcher fails at load naming the route and the matcher', () => {
    expect(() => load({ receiver: 'r', routes: [{}, { matchers: ['site="s1"', 'foo=bar"'] }] })).toThrow(
      /route\.routes\[1\]\.matchers\[1\]: the value of matcher "foo=bar\\"" has an unescaped double quote/,
    );
  });
});

describe(`defaults are Alertmanager's (${AM} dispatch/route.go:33-41 DefaultRouteOpts)`, () => {
  it('group_by defaults to no labels: one group per route; `...` groups by every label', () => {
    const c = load({ receiver: 'r', routes: [{ group_by: ['...'], routes: [{}] }, { group_by: ['site'] }] });
    expect(c.root.group_by).toEqual([]);
    expect(c.root.children[0]?.group_by).toBe('all');
    // Children inherit (dispatch/route.go:73-75: opts start from the parent's).
    expect(c.root.children[0]?.children[0]?.group_by).toBe('all');
    expect(c.root.children[1]?.group_by).toEqual(['site']);
    expect([c.root.group_wait, c.root.group_interval, c.root.repeat_interval]).toEqual([
      30_000,
      300_000,
      4 * 3_600_000,
    ]);
  });
});
