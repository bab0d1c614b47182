import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ContractError,
  getContractSchema,
  getJsonSchema,
  listContracts,
  parseContract,
  safeParseContract,
} from '../src/index.js';
import { arbitraryFromJsonSchema } from './support/arbitrary.js';

const SEED = Number(process.env.FC_SEED ?? 20261127);
const contracts = listContracts();

// Contracts whose rules JSON Schema cannot express, so that values drawn from the JSON Schema alone
// rarely satisfy them. They are still exercised; they only need fewer valid draws.
const MOSTLY_REFINED = new Set(['notify.v1.Alert']);

function validSamples(id: string, runs: number): unknown[] {
  const schema = getContractSchema(id);
  const arb = arbitraryFromJsonSchema(getJsonSchema(id));
  return fc
    .sample(arb, { numRuns: runs, seed: SEED + id.length })
    .map((v) => schema.safeParse(v))
    .filter((r) => r.success)
    .map((r) => r.data);
}

describe('every contract: arbitrary valid values round-trip through JSON unchanged', () => {
  it.each(contracts)('%s', (id) => {
    const schema = getContractSchema(id);
    const values = validSamples(id, 60);
    if (!MOSTLY_REFINED.has(id))
      expect(values.length, `${id}: no valid value drawn from its JSON Schema`).toBeGreaterThan(0);
    for (const value of values) {
      const wire = JSON.parse(JSON.stringify(value)) as unknown;
      expect(wire).toEqual(value);
      // Parsing what came off the wire gives the same value back: normalization is idempotent.
      expect(parseContract(schema, wire)).toEqual(value);
    }
  });
});

describe('every contract: arbitrary input never throws anything but ContractError', () => {
  const hostile = fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withTypedArray: true,
    withSparseArray: true,
    withBoxedValues: true,
  });

  it.each(contracts)('%s', (id) => {
    const schema = getContractSchema(id);
    fc.assert(
      fc.property(hostile, (input) => {
        const result = safeParseContract(schema, input);
        if (result.success) return;
        expect(result.error).toBeInstanceOf(ContractError);
        expect(result.error.message.startsWith(`${id}: `)).toBe(true);
        expect(() => parseContract(schema, input)).toThrow(ContractError);
      }),
      { numRuns: 40, seed: SEED },
    );
  });

  it('mutated valid documents fail with a path into the document, never a crash', () => {
    const id = 'automation.v1.ExecutionSpec';
    const schema = getContractSchema(id);
    const [valid] = validSamples(id, 200);
    expect(valid).toBeDefined();
    const paths: string[][] = [];
    const collect = (node: unknown, path: string[]) => {
      if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          paths.push([...path, k]);
          collect(v, [...path, k]);
        }
      }
    };
    collect(valid, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.anything({ maxDepth: 1 }), (path, replacement) => {
        const doc = structuredClone(valid) as Record<string, unknown>;
        let node: Record<string, unknown> = doc;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
        node[path.at(-1)!] = replacement;
        const result = safeParseContract(schema, doc);
        if (!result.success) {
          expect(result.error).toBeInstanceOf(ContractError);
          for (const issue of result.error.issues) expect(Array.isArray(issue.path)).toBe(true);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  it('a getter that throws becomes a contract error at the root', () => {
    const schema = getContractSchema('rfid.v1.EventBatch');
    const input = {
      get events(): unknown {
        throw new Error('boom');
      },
    };
    const result = safeParseContract(schema, input);
    expect(result.success).toBe(false);
    if (!result.success)
      expect(result.error.message).toBe('rfid.v1.EventBatch: (root): input could not be read');
  });
});
