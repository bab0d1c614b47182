import type { FleetEntityKind } from '@fieldops/contracts/chirpstack/v1';
import { describe, expect, it } from 'vitest';
import { compareFleet, type EntityView, type ViewEntity, viewKey } from '../../src/drift/compare.js';

// The pure three-way comparison behind `fieldops fleet diff` (issue 16 item 4): registry (desired),
// site (actual, the reference) and centre (mirror).

const e = (
  kind: FleetEntityKind,
  key: string,
  fields: Record<string, unknown>,
  tenant = 'site-1',
): ViewEntity => ({
  kind,
  key,
  tenant,
  fields,
});
const view = (...entities: ViewEntity[]): EntityView =>
  new Map(entities.map((x) => [viewKey(x.kind, x.key), x]));
const dev = (eui: string, fields: Record<string, unknown> = {}) =>
  e('device', eui, { name: `dev-${eui}`, application: 'sensors', is_disabled: false, ...fields });

describe('compareFleet', () => {
  it('three sources that agree: no drift, every entity counted', () => {
    const site = view(e('tenant', 'site-1', {}), dev('01'), dev('02'));
    const report = compareFleet({
      site,
      centre: view(e('tenant', 'site-1', {}), dev('01'), dev('02')),
      registry: { tenant: 'site-1', entities: view(e('tenant', 'site-1', {}), dev('01'), dev('02')) },
    });
    expect(report).toEqual({
      sources: ['registry', 'site', 'centre'],
      drift: false,
      compared: 3,
      entities: [],
      summary: { registry_vs_site: 0, centre_vs_site: 0 },
    });
  });

  it('names the entity, the field and which sources disagree with the site', () => {
    const report = compareFleet({
      // A hand edit at the site: the device was disabled; the centre has not synced it yet.
      site: view(dev('01', { is_disabled: true }), dev('02', { 'tags.room': 'b' })),
      centre: view(dev('01'), dev('02', { 'tags.room': 'b' })),
      registry: { tenant: 'site-1', entities: view(dev('01'), dev('02', { 'tags.room': 'a' })) },
    });
    expect(report.drift).toBe(true);
    expect(report.entities).toEqual([
      {
        kind: 'device',
        key: '01',
        present: { site: true, registry: true, centre: true },
        disagree: ['registry', 'centre'],
        fields: [
          {
            field: 'is_disabled',
            registry: false,
            site: true,
            centre: false,
            disagree: ['registry', 'centre'],
          },
        ],
      },
      {
        kind: 'device',
        key: '02',
        present: { site: true, registry: true, centre: true },
        disagree: ['registry'],
        fields: [{ field: 'tags.room', registry: 'a', site: 'b', centre: 'b', disagree: ['registry'] }],
      },
    ]);
    expect(report.summary).toEqual({ registry_vs_site: 2, centre_vs_site: 1 });
  });

  it('reports an entity missing from a source, and a field present in one and absent in another', () => {
    const report = compareFleet({
      site: view(dev('01', { join_eui: '70b3d57ed0000001' }), dev('03')),
      centre: view(dev('01'), dev('02')),
      registry: { tenant: 'site-1', entities: view(dev('01'), dev('02')) },
    });
    expect(report.entities.map((x) => [x.key, x.present, x.disagree])).toEqual([
      ['01', { site: true, registry: true, centre: true }, ['centre']],
      ['02', { site: false, registry: true, centre: true }, ['registry', 'centre']],
      ['03', { site: true, registry: false, centre: false }, ['registry', 'centre']],
    ]);
    // The registry does not declare join_eui: it is not compared with the registry, only with the centre.
    expect(report.entities[0]!.fields).toEqual([
      { field: 'join_eui', site: '70b3d57ed0000001', disagree: ['centre'] },
    ]);
  });

  it('a field the registry declares as empty is compared (a variable added by hand is drift)', () => {
    const report = compareFleet({
      site: view(dev('01', { variables: { x: '1' } })),
      registry: { tenant: 'site-1', entities: view(dev('01', { variables: undefined })) },
    });
    expect(report.sources).toEqual(['registry', 'site']);
    expect(report.entities[0]!.fields).toEqual([
      { field: 'variables', site: { x: '1' }, disagree: ['registry'] },
    ]);
  });

  it('the registry speaks for its tenant only; the centre is compared across tenants', () => {
    const other = e('application', 'lab/tests', { description: 'by hand' }, 'lab');
    const report = compareFleet({
      site: view(other),
      centre: view(),
      registry: { tenant: 'site-1', entities: view() },
    });
    expect(report.entities).toEqual([
      {
        kind: 'application',
        key: 'lab/tests',
        present: { site: true, centre: false },
        disagree: ['centre'],
        fields: [],
      },
    ]);
  });

  it('values compare by content, not key order; entities come out by kind then key', () => {
    const report = compareFleet({
      site: view(
        dev('02', { 'keys.fingerprint': 'aaaa' }),
        e('gateway', 'aa55', { location: { latitude: 1, longitude: 2 } }),
        e('tenant', 'site-1', { description: 'x' }),
      ),
      centre: view(
        dev('02', { 'keys.fingerprint': 'bbbb' }),
        e('gateway', 'aa55', { location: { longitude: 2, latitude: 1 } }),
        e('tenant', 'site-1', { description: 'y' }),
      ),
    });
    expect(report.entities.map((x) => `${x.kind}:${x.key}:${x.fields.map((f) => f.field).join()}`)).toEqual([
      'tenant:site-1:description',
      'device:02:keys.fingerprint',
    ]);
  });
});
