import { describe, expect, it } from 'vitest';
import { BREAKING, COMPATIBLE } from './__fixtures__/schema-changes.js';
import { diffAsyncApi, diffJsonSchemas } from './schema-diff.js';

describe('schema-diff: breaking changes are found', () => {
  it.each(BREAKING.map((f) => [f.name, f] as const))('%s', (_n, f) => {
    const breaking = diffJsonSchemas(f.baseline, f.current, 'Doc').filter((c) => c.breaking);
    expect(breaking.length).toBeGreaterThan(0);
    const text = breaking.map((c) => `${c.where}: ${c.message}`).join('\n');
    for (const e of f.breaking) expect(text).toContain(e);
  });
});

describe('schema-diff: compatible changes pass', () => {
  it.each(COMPATIBLE.map((f) => [f.name, f] as const))('%s', (_n, f) => {
    expect(diffJsonSchemas(f.baseline, f.current, 'Doc').filter((c) => c.breaking)).toEqual([]);
  });

  it('an unchanged document has no changes at all', () => {
    for (const f of BREAKING) expect(diffJsonSchemas(f.baseline, f.baseline, 'Doc')).toEqual([]);
  });
});

describe('schema-diff: $refs and AsyncAPI', () => {
  it('follows $refs into $defs', () => {
    const doc = (pattern: string) => ({
      type: 'object',
      properties: { id: { $ref: '#/$defs/Id' } },
      $defs: { Id: { type: 'string', pattern } },
    });
    expect(diffJsonSchemas(doc('^a'), doc('^b'), 'X').filter((c) => c.breaking)[0]?.message).toContain(
      'pattern changed',
    );
  });

  it('finds a removed event type and a narrowed payload', () => {
    const api = (types: string[], req: string[]) => ({
      asyncapi: '3.0.0',
      channels: Object.fromEntries(types.map((t) => [t, { address: t }])),
      components: {
        messages: Object.fromEntries(
          types.map((t) => [
            t,
            {
              payload: {
                type: 'object',
                properties: { id: { type: 'string' }, x: { type: 'string' } },
                required: req,
              },
            },
          ]),
        ),
      },
    });
    const changes = diffAsyncApi(api(['A', 'B'], ['id']), api(['A'], ['id', 'x']), 'events').filter(
      (c) => c.breaking,
    );
    expect(changes.map((c) => c.message)).toEqual([
      'channel (event type) removed',
      'field x became required',
      'message removed',
    ]);
  });
});
