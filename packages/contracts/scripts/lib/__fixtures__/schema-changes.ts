// Pairs of JSON Schema documents: a published baseline and an edit of it, with what the gate must say.
type Doc = Record<string, unknown>;
export interface SchemaChangeFixture {
  name: string;
  baseline: Doc;
  current: Doc;
  breaking: string[];
}

const base: Doc = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^stn_[0-9A-Za-z]{4,64}$' },
    state: { type: 'string', enum: ['online', 'offline'] },
    rssi: { type: 'number', minimum: -130, maximum: 0 },
    note: { type: 'string', maxLength: 200 },
    tags: { type: 'array', items: { type: 'string' } },
    event: {
      oneOf: [
        { type: 'object', properties: { type: { type: 'string', const: 'a' }, x: { type: 'integer' } }, required: ['type'] },
        { type: 'object', properties: { type: { type: 'string', const: 'b' } }, required: ['type'] },
      ],
    },
  },
  required: ['id', 'state'],
};

const edit = (fn: (d: any) => void): Doc => {
  const d = structuredClone(base);
  fn(d);
  return d;
};

export const BREAKING: SchemaChangeFixture[] = [
  { name: 'removed field', baseline: base, current: edit((d) => delete d.properties.note), breaking: ['field note removed'] },
  {
    name: 'renamed field',
    baseline: base,
    current: edit((d) => {
      d.properties.comment = d.properties.note;
      delete d.properties.note;
    }),
    breaking: ['field note removed'],
  },
  { name: 'new required field', baseline: base, current: edit((d) => { d.properties.site = { type: 'string' }; d.required.push('site'); }), breaking: ['new required field site'] },
  { name: 'optional field became required', baseline: base, current: edit((d) => d.required.push('rssi')), breaking: ['field rssi became required'] },
  { name: 'narrowed type', baseline: base, current: edit((d) => (d.properties.rssi.type = 'integer')), breaking: ['rssi: type narrowed: number no longer accepted'] },
  { name: 'removed enum value', baseline: base, current: edit((d) => (d.properties.state.enum = ['online'])), breaking: ['state: enum value "offline" removed'] },
  { name: 'tighter bound', baseline: base, current: edit((d) => (d.properties.note.maxLength = 100)), breaking: ['note: maxLength lowered to 100 (was 200)'] },
  { name: 'changed pattern', baseline: base, current: edit((d) => (d.properties.id.pattern = '^stn_[0-9a-z]{26}$')), breaking: ['id: pattern changed'] },
  { name: 'removed union variant', baseline: base, current: edit((d) => d.properties.event.oneOf.pop()), breaking: ['union variant type="b" removed'] },
  { name: 'narrowed array items', baseline: base, current: edit((d) => (d.properties.tags.items.maxLength = 10)), breaking: ['tags[]: maxLength lowered to 10'] },
  { name: 'constant replaced by a pattern it does not match', baseline: edit((d) => (d.properties.note = { type: 'string', const: 'application/json' })), current: edit((d) => (d.properties.note = { type: 'string', pattern: '^text/' })), breaking: ['note: pattern ^text/ added'] },
  { name: 'closed object', baseline: base, current: edit((d) => (d.additionalProperties = false)), breaking: ['unknown fields no longer accepted'] },
];

export const COMPATIBLE: SchemaChangeFixture[] = [
  { name: 'new optional field', baseline: base, current: edit((d) => (d.properties.site = { type: 'string' })), breaking: [] },
  { name: 'new enum value', baseline: base, current: edit((d) => d.properties.state.enum.push('degraded')), breaking: [] },
  { name: 'wider bound', baseline: base, current: edit((d) => (d.properties.note.maxLength = 1000)), breaking: [] },
  { name: 'required field became optional', baseline: base, current: edit((d) => (d.required = ['id'])), breaking: [] },
  { name: 'new union variant', baseline: base, current: edit((d) => d.properties.event.oneOf.push({ type: 'object', properties: { type: { const: 'c' } } })), breaking: [] },
  { name: 'constant opened to a pattern it matches', baseline: edit((d) => (d.properties.note = { type: 'string', const: 'application/json' })), current: edit((d) => (d.properties.note = { type: 'string', maxLength: 256, pattern: '^application/json(;.*)?$' })), breaking: [] },
  { name: 'integer widened to number', baseline: edit((d) => (d.properties.rssi.type = 'integer')), current: base, breaking: [] },
];
