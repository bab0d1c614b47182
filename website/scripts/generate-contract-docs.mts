// Writes docs/contracts/: one page per contract, from the JSON Schemas that @fieldops/contracts
// generates (packages/contracts/generated/json-schema/<point>/v<N>/<Name>.schema.json). The pages are
// build output (gitignored): `pnpm --filter @fieldops/website build` runs this first.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A JSON Schema node, as far as these pages read it. */
export interface SchemaNode {
  type?: string | string[];
  title?: string;
  description?: string;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  $ref?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  [key: string]: unknown;
}

/** One contract found on disk. */
export interface ContractFile {
  point: string;
  version: number;
  name: string;
  schema: SchemaNode;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the JSON Schemas are read from. */
export const SCHEMA_DIR = path.resolve(ROOT, '../packages/contracts/generated/json-schema');
/** Where the pages are written. */
export const OUT_DIR = path.resolve(ROOT, 'docs/contracts');

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** A short, readable type for a schema node: `string`, `"a" \| "b"`, `object[]`, `1`… */
export function typeLabel(node: SchemaNode | undefined): string {
  if (!node) return 'any';
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (node.$ref) return node.$ref.split('/').pop() ?? 'ref';
  const union = node.anyOf ?? node.oneOf;
  if (union) return union.map(typeLabel).join(' | ');
  if (node.type === 'array') return `${typeLabel(node.items)}[]`;
  if (Array.isArray(node.type)) return node.type.join(' | ');
  if (node.type === 'string' && node.format) return `string (${node.format})`;
  if (node.type === 'object' && !node.properties && node.additionalProperties) {
    return `record of ${typeLabel(node.additionalProperties === true ? undefined : node.additionalProperties)}`;
  }
  return node.type ?? 'any';
}

function constraints(node: SchemaNode): string {
  const out: string[] = [];
  if (node.minLength !== undefined || node.maxLength !== undefined) {
    out.push(`length ${node.minLength ?? 0}–${node.maxLength ?? '∞'}`);
  }
  if (node.minimum !== undefined || node.maximum !== undefined) {
    out.push(`${node.minimum ?? '−∞'} ≤ n ≤ ${node.maximum ?? '∞'}`);
  }
  if (node.pattern && !node.format) out.push(`pattern ${code(node.pattern)}`);
  return out.join('; ');
}

/** The rows of the fields table: nested objects are flattened as `parent.child`, arrays as `items[]`. */
export function fieldRows(node: SchemaNode, prefix = '', depth = 0): string[] {
  if (!node.properties || depth > 3) return [];
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties).flatMap(([key, child]) => {
    const name = `${prefix}${key}`;
    const row = `| ${code(name)} | ${cell(code(typeLabel(child)))} | ${required.has(key) ? 'yes' : ''} | ${cell(
      [child.description ?? '', constraints(child)].filter(Boolean).join(' — '),
    )} |`;
    const nested =
      child.type === 'array' && child.items?.properties
        ? fieldRows(child.items, `${name}[].`, depth + 1)
        : fieldRows(child, `${name}.`, depth + 1);
    return [row, ...nested];
  });
}

/** The markdown page of one contract. */
export function buildContractPage(c: ContractFile): string {
  const id = `${c.point}.v${c.version}.${c.name}`;
  const lines = [
    '---',
    `title: ${JSON.stringify(id)}`,
    `sidebar_label: ${JSON.stringify(c.name)}`,
    `description: ${JSON.stringify(c.schema.description ?? `The ${id} contract and its JSON Schema.`)}`,
    '---',
    '',
    `# ${id}`,
    '',
  ];
  if (c.schema.description) lines.push(c.schema.description, '');
  lines.push(
    '```ts',
    `import { ${c.name} } from '@fieldops/contracts/${c.point}/v${c.version}';`,
    `import { safeParseContract } from '@fieldops/contracts';`,
    '',
    `const result = safeParseContract(${c.name}, input); // errors name ${id} and the field path`,
    '```',
    '',
    `JSON Schema: \`packages/contracts/generated/json-schema/${c.point}/v${c.version}/${c.name}.schema.json\` ` +
      `(\`$id\` ${code(String(c.schema.$id ?? ''))}), or \`fieldops schema ${id}\`.`,
    '',
  );
  const rows = fieldRows(c.schema);
  if (rows.length > 0) {
    lines.push(
      '## Fields',
      '',
      '| field | type | required | notes |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
    );
  } else {
    lines.push('## Type', '', `${cell(code(typeLabel(c.schema)))} ${constraints(c.schema)}`.trim(), '');
  }
  lines.push('## JSON Schema', '', '```json', JSON.stringify(c.schema, null, 2), '```', '');
  return lines.join('\n');
}

/** The index page of one integration point. */
export function buildPointIndex(point: string, contracts: readonly ContractFile[]): string {
  return [
    '---',
    `title: ${JSON.stringify(`${point} contracts`)}`,
    `sidebar_label: ${JSON.stringify(point)}`,
    '---',
    '',
    `# ${point}`,
    '',
    `Import path: \`@fieldops/contracts/${point}/v${contracts[0]?.version ?? 1}\`.`,
    '',
    ...contracts.map((c) => `- [${c.point}.v${c.version}.${c.name}](./${c.name}.md)`),
    '',
  ].join('\n');
}

/** Reads every `*.schema.json` under the schema directory. */
export async function readContracts(dir = SCHEMA_DIR): Promise<ContractFile[]> {
  const out: ContractFile[] = [];
  for (const point of (await readdir(dir)).sort()) {
    for (const v of (await readdir(path.join(dir, point))).sort()) {
      const version = Number(v.replace(/^v/, ''));
      for (const file of (await readdir(path.join(dir, point, v))).sort()) {
        if (!file.endsWith('.schema.json')) continue;
        const schema = JSON.parse(await readFile(path.join(dir, point, v, file), 'utf8')) as SchemaNode;
        out.push({ point, version, name: file.replace(/\.schema\.json$/, ''), schema });
      }
    }
  }
  return out;
}

/** Regenerates docs/contracts from the schemas. Returns the number of contract pages. */
export async function generateContractDocs(schemaDir = SCHEMA_DIR, outDir = OUT_DIR): Promise<number> {
  const contracts = await readContracts(schemaDir);
  await rm(outDir, { recursive: true, force: true });
  const points = [...new Set(contracts.map((c) => c.point))];
  for (const [i, point] of points.entries()) {
    const dir = path.join(outDir, point);
    const mine = contracts.filter((c) => c.point === point);
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, '_category_.json'),
      JSON.stringify({
        label: point,
        position: i + 1,
        link: { type: 'doc', id: `contracts/${point}/index` },
      }),
    );
    await writeFile(path.join(dir, 'index.md'), buildPointIndex(point, mine));
    for (const c of mine) await writeFile(path.join(dir, `${c.name}.md`), buildContractPage(c));
  }
  await writeFile(
    path.join(outDir, 'index.md'),
    [
      '---',
      'title: Contracts',
      'sidebar_position: 0',
      '---',
      '',
      '# Contracts',
      '',
      'Every integration point of fieldops has a versioned contract in `@fieldops/contracts`: zod schemas',
      'from which the JSON Schemas (draft 2020-12), OpenAPI 3.1 and AsyncAPI 3 documents are generated.',
      'These pages are generated from the JSON Schemas at build time.',
      '',
      ...points.map(
        (p) => `- [${p}](./${p}/index.md) — ${contracts.filter((c) => c.point === p).length} contracts`,
      ),
      '',
    ].join('\n'),
  );
  return contracts.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = await generateContractDocs();
  console.log(`docs/contracts: ${n} contract pages`);
}
