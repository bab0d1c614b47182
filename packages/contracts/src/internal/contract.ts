import type { z } from 'zod';
import { ContractError, toContractIssues } from '../errors.js';

/** Where a named schema belongs: its integration point, the point's version and the schema's name. */
export interface ContractMeta {
  readonly point: string;
  readonly version: number;
  readonly name: string;
  /** `point.vN.Name`, the string used in error messages and in `fieldops schema NAME`. */
  readonly id: string;
  readonly description?: string;
}

/** A named contract schema as the catalog keeps it. */
export interface CatalogEntry {
  readonly meta: ContractMeta;
  readonly schema: z.ZodType;
}

// The catalog is filled as each `vN.ts` module is evaluated. It is plain in-memory data (no I/O):
// the generator, the CLI and error messages all read names from here, so a schema's name is
// written exactly once, next to the schema.
const byId = new Map<string, CatalogEntry>();
const bySchema = new WeakMap<z.ZodType, ContractMeta>();

/** Registers `schema` under `point.vN.name` and returns it unchanged (typed as given). */
export function defineContract<T extends z.ZodType>(
  point: string,
  version: number,
  name: string,
  schema: T,
  description?: string,
): T {
  const id = `${point}.v${version}.${name}`;
  const existing = byId.get(id);
  if (existing && existing.schema !== schema) {
    throw new Error(`@fieldops/contracts: the contract name ${id} is defined twice`);
  }
  const meta: ContractMeta = { point, version, name, id, ...(description ? { description } : {}) };
  byId.set(id, { meta, schema });
  bySchema.set(schema, meta);
  return schema;
}

/** The catalog entry for `point.vN.Name`, or undefined. */
export function getCatalogEntry(id: string): CatalogEntry | undefined {
  return byId.get(id);
}

/** Every registered contract, in registration order. */
export function listCatalog(): CatalogEntry[] {
  return [...byId.values()];
}

/** The name metadata of a registered schema, or undefined for an anonymous one. */
export function contractMetaOf(schema: z.ZodType): ContractMeta | undefined {
  return bySchema.get(schema);
}

/** Result of {@link safeParseContract}. */
export type ContractResult<T> = { success: true; data: T } | { success: false; error: ContractError };

/**
 * Validates `input` against a contract schema. Never throws: bad input of any shape comes back as a
 * ContractError naming the contract, its version and the path of each problem.
 */
export function safeParseContract<T extends z.ZodType>(
  schema: T,
  input: unknown,
): ContractResult<z.output<T>> {
  const meta = contractMetaOf(schema);
  const id = meta?.id ?? 'anonymous';
  let result: z.ZodSafeParseResult<z.output<T>>;
  try {
    result = schema.safeParse(input) as z.ZodSafeParseResult<z.output<T>>;
  } catch (cause) {
    // A refinement that throws on hostile input (a getter that throws, a revoked proxy) must not
    // escape as an arbitrary exception: it becomes a contract error at the root.
    return {
      success: false,
      error: new ContractError(id, [{ path: [], message: 'input could not be read', code: 'custom' }], {
        cause,
      }),
    };
  }
  if (result.success) return { success: true, data: result.data };
  return { success: false, error: new ContractError(id, toContractIssues(result.error)) };
}

/** Validates `input` against a contract schema and returns the parsed value; throws ContractError. */
export function parseContract<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = safeParseContract(schema, input);
  if (!result.success) throw result.error;
  return result.data;
}
