import fc from 'fast-check';

// Values for property tests, derived from the generated JSON Schema of a contract (the same
// document a third party would validate with). Refinements JSON Schema cannot express (unique step
// ids, cross-field rules) are left to the caller's filter.

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolveRef(root: Json, ref: string): Json {
  if (ref === '#') return root;
  let node: unknown = root;
  for (const key of ref.replace(/^#\//, '').split('/')) node = isObj(node) ? node[key] : undefined;
  if (!isObj(node)) throw new Error(`unresolvable $ref ${ref}`);
  return node;
}

const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

function stringArb(s: Json): fc.Arbitrary<string> {
  if (typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern);
    const max = typeof s.maxLength === 'number' ? s.maxLength : Number.POSITIVE_INFINITY;
    const min = typeof s.minLength === 'number' ? s.minLength : 0;
    return fc.stringMatching(re).filter((v) => v.length <= max && v.length >= min);
  }
  switch (s.format) {
    case 'date-time':
      return isoDate;
    case 'date':
      return isoDate.map((d) => d.slice(0, 10));
    case 'uuid':
      return fc.uuid();
    case 'uri':
    case 'url':
      return fc.webUrl();
    case 'email':
      return fc.emailAddress();
    default:
      return fc.string({
        minLength: typeof s.minLength === 'number' ? s.minLength : 0,
        maxLength: Math.min(typeof s.maxLength === 'number' ? s.maxLength : 40, 40),
      });
  }
}

function numberArb(s: Json, integer: boolean): fc.Arbitrary<number> {
  const min =
    typeof s.minimum === 'number'
      ? s.minimum
      : typeof s.exclusiveMinimum === 'number'
        ? s.exclusiveMinimum + 1
        : -1e6;
  const max =
    typeof s.maximum === 'number'
      ? s.maximum
      : typeof s.exclusiveMaximum === 'number'
        ? s.exclusiveMaximum - 1
        : 1e6;
  if (integer) {
    return fc.integer({
      min: Math.max(Math.ceil(min), Number.MIN_SAFE_INTEGER),
      max: Math.min(Math.floor(max), Number.MAX_SAFE_INTEGER),
    });
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
}

const jsonLeaf = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null));
const anyJson = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/** An arbitrary of values valid against `schema` (a JSON Schema document or a sub-schema of `root`). */
export function arbitraryFromJsonSchema(schema: Json, root: Json = schema, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema.$ref === 'string')
    return arbitraryFromJsonSchema(resolveRef(root, schema.$ref), root, depth + 1);
  if (depth > 12) return jsonLeaf;
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const kw of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[kw])) {
      return fc.oneof(...(schema[kw] as Json[]).map((s) => arbitraryFromJsonSchema(s, root, depth + 1)));
    }
  }
  const type = schema.type;
  if (Array.isArray(type)) {
    return fc.oneof(
      ...(type as string[]).map((t) => arbitraryFromJsonSchema({ ...schema, type: t }, root, depth + 1)),
    );
  }
  switch (type) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return numberArb(schema, true);
    case 'number':
      return numberArb(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = isObj(schema.items) ? arbitraryFromJsonSchema(schema.items, root, depth + 1) : anyJson;
      const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const maxLength = Math.min(
        typeof schema.maxItems === 'number' ? schema.maxItems : 3,
        Math.max(minLength, 3),
      );
      return fc.array(items, { minLength, maxLength });
    }
    case 'object': {
      const props = isObj(schema.properties) ? schema.properties : {};
      const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props))
        model[k] = arbitraryFromJsonSchema(v as Json, root, depth + 1);
      if (Object.keys(props).length === 0 && isObj(schema.additionalProperties)) {
        const keyArb =
          isObj(schema.propertyNames) && typeof schema.propertyNames.pattern === 'string'
            ? fc.stringMatching(new RegExp(schema.propertyNames.pattern)).filter((k) => k !== '__proto__')
            : fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== '__proto__');
        return fc.dictionary(keyArb, arbitraryFromJsonSchema(schema.additionalProperties, root, depth + 1), {
          maxKeys: 3,
        });
      }
      return fc.record(model, { requiredKeys: Object.keys(props).filter((k) => required.has(k)) });
    }
    default:
      return anyJson;
  }
}
