import { z } from 'zod';
import { ContractError } from './errors.js';
import {
  type CatalogEntry,
  type ContractMeta,
  type ContractResult,
  getCatalogEntry,
  listCatalog,
  safeParseContract,
} from './internal/contract.js';

/** Names (`point.vN.Name`) of every contract in the catalog, sorted. */
export function listContracts(): string[] {
  return listCatalog()
    .map((e) => e.meta.id)
    .sort();
}

/** The metadata of every contract in the catalog. */
export function listContractMeta(): ContractMeta[] {
  return listCatalog().map((e) => e.meta);
}

function entryOrThrow(id: string): CatalogEntry {
  const entry = getCatalogEntry(id);
  if (!entry) {
    const near = listContracts().filter((n) =>
      n.toLowerCase().endsWith(`.${id.split('.').pop()?.toLowerCase()}`),
    );
    const hint = near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : '';
    throw new ContractError(id, [
      { path: [], message: `no contract named ${id}${hint}`, code: 'unknown_contract' },
    ]);
  }
  return entry;
}

/** The zod schema registered as `point.vN.Name`; throws ContractError when there is none. */
export function getContractSchema(id: string): z.ZodType {
  return entryOrThrow(id).schema;
}

/** Validates `input` against the contract named `id` (e.g. `rfid.v1.EventBatch`); never throws. */
export function validateContract(id: string, input: unknown): ContractResult<unknown> {
  const entry = getCatalogEntry(id);
  if (!entry) {
    try {
      entryOrThrow(id);
    } catch (error) {
      return { success: false, error: error as ContractError };
    }
  }
  return safeParseContract(entry!.schema, input);
}

/** Options of {@link getJsonSchema}. */
export interface JsonSchemaOptions {
  /** `input` (default) describes what a validator accepts; `output` what a parse returns (defaults applied). */
  io?: 'input' | 'output';
}

const cache = new Map<string, Record<string, unknown>>();

/** The JSON Schema (draft 2020-12) of the contract named `id`, with `$id` and `title` set. */
export function getJsonSchema(id: string, options: JsonSchemaOptions = {}): Record<string, unknown> {
  const io = options.io ?? 'input';
  const key = `${io}:${id}`;
  const hit = cache.get(key);
  if (hit) return structuredClone(hit);
  const { meta, schema } = entryOrThrow(id);
  const generated = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  const doc: Record<string, unknown> = {
    $schema,
    $id: `urn:fieldops:schema:${meta.id}`,
    title: meta.id,
    ...(meta.description && rest.description === undefined ? { description: meta.description } : {}),
    ...rest,
  };
  cache.set(key, doc);
  return structuredClone(doc);
}
