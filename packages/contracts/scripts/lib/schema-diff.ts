// A breaking-change checker for JSON Schema (draft 2020-12, as z.toJSONSchema writes it) and for
// the AsyncAPI event catalog. A change is breaking when a document valid against a published
// version could stop being valid, or a field a reader relies on could disappear: a removed or
// renamed field, a newly required field, a narrowed type, enum or constraint, a removed union
// variant. Loosening (a new optional field, a new enum value, a wider bound) is compatible.

/** One difference between a baseline and a current schema. */
export interface SchemaChange {
  readonly breaking: boolean;
  /** Where, as a readable path: `EventBatch: events[].station_id`. */
  readonly where: string;
  readonly message: string;
}

type Json = Record<string, unknown>;
type Resolver = (ref: string) => Json | undefined;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function makeResolver(root: Json): Resolver {
  return (ref) => {
    if (!ref.startsWith('#')) return undefined;
    let node: unknown = root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObj(node) ? node[key] : undefined;
    }
    return isObj(node) ? node : undefined;
  };
}

function deref(schema: unknown, resolve: Resolver, seen = new Set<string>()): Json {
  let s = isObj(schema) ? schema : {};
  while (typeof s.$ref === 'string' && !seen.has(s.$ref)) {
    seen.add(s.$ref);
    const target = resolve(s.$ref);
    if (!target) break;
    const { $ref: _r, ...rest } = s;
    s = { ...target, ...rest };
  }
  return s;
}

function typesOf(s: Json): Set<string> | undefined {
  if (typeof s.type === 'string') return new Set(s.type === 'integer' ? ['integer'] : [s.type]);
  if (Array.isArray(s.type)) return new Set(s.type as string[]);
  if ('const' in s)
    return new Set([s.const === null ? 'null' : typeof s.const === 'number' ? 'number' : typeof s.const]);
  return undefined; // any type
}

function typeAccepts(newTypes: Set<string> | undefined, t: string): boolean {
  if (!newTypes) return true;
  if (newTypes.has(t)) return true;
  return t === 'integer' && newTypes.has('number');
}

const show = (v: unknown) => JSON.stringify(v);

// Bounds: for a lower bound a higher value narrows; for an upper bound a lower value narrows.
const LOWER = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;

function constsOf(s: unknown, resolve: Resolver): Map<string, string> {
  const out = new Map<string, string>();
  const d = deref(s, resolve);
  if (!isObj(d.properties)) return out;
  for (const [name, prop] of Object.entries(d.properties)) {
    const p = deref(prop, resolve);
    if ('const' in p) out.set(name, show(p.const));
  }
  return out;
}

/** Keys of union variants: the value of the discriminator (a property that is a distinct const in each variant). */
function variantKeys(variants: readonly unknown[], resolve: Resolver): string[] {
  const consts = variants.map((v) => constsOf(v, resolve));
  const first = consts[0];
  if (first) {
    for (const name of first.keys()) {
      const values = consts.map((c) => c.get(name));
      if (values.every((v) => v !== undefined) && new Set(values).size === values.length) {
        return values.map((v) => `${name}=${v}`);
      }
    }
  }
  return variants.map((_, i) => `#${i}`);
}

interface Ctx {
  readonly oldResolve: Resolver;
  readonly newResolve: Resolver;
  readonly changes: SchemaChange[];
  readonly visiting: Set<string>;
}

/** True when `v` satisfies the pattern, length and range constraints of `n`. */
function satisfiesBounds(v: unknown, n: Json): boolean {
  if (typeof v === 'string') {
    if (typeof n.pattern === 'string' && !new RegExp(n.pattern, 'u').test(v)) return false;
    if (typeof n.minLength === 'number' && [...v].length < n.minLength) return false;
    if (typeof n.maxLength === 'number' && [...v].length > n.maxLength) return false;
    return n.format === undefined;
  }
  if (typeof v === 'number') {
    if (typeof n.minimum === 'number' && v < n.minimum) return false;
    if (typeof n.maximum === 'number' && v > n.maximum) return false;
    if (typeof n.exclusiveMinimum === 'number' && v <= n.exclusiveMinimum) return false;
    if (typeof n.exclusiveMaximum === 'number' && v >= n.exclusiveMaximum) return false;
    return true;
  }
  return false;
}

/** Bounds, pattern and format changes between two schemas. */
function diffBounds(o: Json, n: Json, add: (breaking: boolean, message: string) => void): void {
  for (const k of LOWER) {
    const a = o[k];
    const b = n[k];
    if (typeof b === 'number' && (typeof a !== 'number' || b > a))
      add(true, `${k} raised to ${b}${typeof a === 'number' ? ` (was ${a})` : ''}`);
    else if (typeof a === 'number' && (typeof b !== 'number' || b < a)) add(false, `${k} relaxed`);
  }
  for (const k of UPPER) {
    const a = o[k];
    const b = n[k];
    if (typeof b === 'number' && (typeof a !== 'number' || b < a))
      add(true, `${k} lowered to ${b}${typeof a === 'number' ? ` (was ${a})` : ''}`);
    else if (typeof a === 'number' && (typeof b !== 'number' || b > a)) add(false, `${k} relaxed`);
  }
  if (typeof n.pattern === 'string' && n.pattern !== o.pattern) {
    add(
      true,
      typeof o.pattern === 'string'
        ? `pattern changed from ${o.pattern} to ${n.pattern}`
        : `pattern ${n.pattern} added`,
    );
  } else if (typeof o.pattern === 'string' && n.pattern === undefined) add(false, 'pattern removed');
  if (typeof n.format === 'string' && n.format !== o.format)
    add(true, `format ${n.format} required (was ${o.format ?? 'none'})`);
}

function diffSchema(oldRaw: unknown, newRaw: unknown, where: string, ctx: Ctx): void {
  const key = `${where}|${isObj(oldRaw) ? String(oldRaw.$ref ?? '') : ''}|${isObj(newRaw) ? String(newRaw.$ref ?? '') : ''}`;
  if (ctx.visiting.has(key)) return;
  ctx.visiting.add(key);
  const o = deref(oldRaw, ctx.oldResolve);
  const n = deref(newRaw, ctx.newResolve);
  const add = (breaking: boolean, message: string) => ctx.changes.push({ breaking, where, message });

  // Types
  const ot = typesOf(o);
  const nt = typesOf(n);
  if (ot && nt) {
    for (const t of ot)
      if (!typeAccepts(nt, t))
        add(true, `type narrowed: ${t} no longer accepted (now ${[...nt].join(' | ')})`);
  } else if (!ot && nt && !isObj(o.anyOf) && !Array.isArray(o.anyOf) && !Array.isArray(o.oneOf)) {
    add(true, `type narrowed: any value was accepted, now only ${[...nt].join(' | ')}`);
  }

  // const and enum
  if ('const' in o && 'const' in n && show(o.const) !== show(n.const))
    add(true, `const changed from ${show(o.const)} to ${show(n.const)}`);
  if (!('const' in o) && 'const' in n && !Array.isArray(o.enum))
    add(true, `narrowed to the constant ${show(n.const)}`);
  if (Array.isArray(o.enum) && Array.isArray(n.enum)) {
    const now = new Set(n.enum.map(show));
    for (const v of o.enum) if (!now.has(show(v))) add(true, `enum value ${show(v)} removed`);
    const before = new Set(o.enum.map(show));
    for (const v of n.enum) if (!before.has(show(v))) add(false, `enum value ${show(v)} added`);
  } else if (!Array.isArray(o.enum) && Array.isArray(n.enum) && !('const' in o)) {
    add(true, `narrowed to the enum ${n.enum.map(show).join(', ')}`);
  }

  // Bounds, pattern, format. A constant (or enum) opened up to a pattern or bounds that every old
  // value satisfies is a widening (`const: "application/json"` -> a media-type pattern).
  const oldValues = 'const' in o ? [o.const] : Array.isArray(o.enum) ? o.enum : undefined;
  if (oldValues && !('const' in n) && !Array.isArray(n.enum) && oldValues.every((v) => satisfiesBounds(v, n)))
    add(false, `widened from ${oldValues.map(show).join(', ')}`);
  else diffBounds(o, n, add);

  // Objects
  const op = isObj(o.properties) ? o.properties : {};
  const np = isObj(n.properties) ? n.properties : {};
  const oreq = new Set(Array.isArray(o.required) ? (o.required as string[]) : []);
  const nreq = new Set(Array.isArray(n.required) ? (n.required as string[]) : []);
  const sub = (name: string) => (where.endsWith(':') ? `${where} ${name}` : `${where}.${name}`);
  for (const name of Object.keys(op)) {
    if (!(name in np)) {
      add(true, `field ${name} removed${oreq.has(name) ? ' (it was required)' : ''}`);
      continue;
    }
    diffSchema(op[name], np[name], sub(name), ctx);
  }
  for (const name of Object.keys(np)) {
    if (!(name in op))
      add(nreq.has(name), nreq.has(name) ? `new required field ${name}` : `new optional field ${name}`);
  }
  for (const name of nreq) if (!oreq.has(name) && name in op) add(true, `field ${name} became required`);
  for (const name of oreq) if (!nreq.has(name) && name in np) add(false, `field ${name} became optional`);
  if (n.additionalProperties === false && o.additionalProperties !== false)
    add(true, 'unknown fields no longer accepted');
  if (isObj(o.additionalProperties) && isObj(n.additionalProperties)) {
    diffSchema(o.additionalProperties, n.additionalProperties, sub('*'), ctx);
  }

  // Arrays
  if (o.items !== undefined || n.items !== undefined) {
    if (isObj(o.items) && isObj(n.items)) diffSchema(o.items, n.items, `${where}[]`, ctx);
    else if (o.items === undefined && isObj(n.items)) add(true, 'array items constrained');
  }

  // Unions
  for (const kw of ['anyOf', 'oneOf'] as const) {
    const ov = Array.isArray(o[kw]) ? (o[kw] as unknown[]) : undefined;
    const nv = Array.isArray(n[kw]) ? (n[kw] as unknown[]) : undefined;
    if (!ov) continue;
    if (!nv) {
      if (Object.keys(n).length > 0) {
        for (const [i, v] of ov.entries()) diffSchema(v, n, `${where}<#${i}>`, ctx);
      }
      continue;
    }
    const oKeys = variantKeys(ov, ctx.oldResolve);
    const nKeys = variantKeys(nv, ctx.newResolve);
    const nByKey = new Map(nv.map((v, i) => [nKeys[i]!, v]));
    ov.forEach((v, i) => {
      const k = oKeys[i]!;
      const match = nByKey.get(k);
      if (match === undefined) add(true, `union variant ${k} removed`);
      else diffSchema(v, match, `${where}<${k}>`, ctx);
    });
    if (nv.length > ov.length) add(false, `${nv.length - ov.length} union variant(s) added`);
  }
  ctx.visiting.delete(key);
}

/** Compares two JSON Schema documents (each with its own `$defs`/components for `$ref`s). */
export function diffJsonSchemas(baseline: Json, current: Json, label: string): SchemaChange[] {
  const ctx: Ctx = {
    oldResolve: makeResolver(baseline),
    newResolve: makeResolver(current),
    changes: [],
    visiting: new Set(),
  };
  diffSchema(baseline, current, `${label}:`, ctx);
  return ctx.changes;
}

/** Compares two AsyncAPI 3 documents: removed channels or messages, and each message payload. */
export function diffAsyncApi(baseline: Json, current: Json, label: string): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const oc = isObj(baseline.channels) ? baseline.channels : {};
  const nc = isObj(current.channels) ? current.channels : {};
  for (const name of Object.keys(oc)) {
    if (!(name in nc))
      changes.push({
        breaking: true,
        where: `${label}: channels.${name}`,
        message: 'channel (event type) removed',
      });
  }
  const om =
    isObj(baseline.components) && isObj(baseline.components.messages) ? baseline.components.messages : {};
  const nm =
    isObj(current.components) && isObj(current.components.messages) ? current.components.messages : {};
  const ctx: Ctx = {
    oldResolve: makeResolver(baseline),
    newResolve: makeResolver(current),
    changes,
    visiting: new Set(),
  };
  for (const [name, msg] of Object.entries(om)) {
    const next = nm[name];
    if (!isObj(next)) {
      changes.push({ breaking: true, where: `${label}: messages.${name}`, message: 'message removed' });
      continue;
    }
    if (isObj(msg)) diffSchema(msg.payload, next.payload, `${label}: ${name}:`, ctx);
  }
  return changes;
}
