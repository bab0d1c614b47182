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
/** The contracts' lifecycle and converters (`pnpm generate` in packages/contracts writes it). */
export const VERSIONS_FILE = path.resolve(ROOT, '../packages/contracts/generated/versions.json');

/** One version's lifecycle, as generated/versions.json has it. */
export interface VersionInfo {
  point: string;
  version: number;
  status: 'current' | 'supported' | 'deprecated';
  summary: string;
  spoken_by: Record<string, string>;
  deprecation?: { deprecated_at: string; sunset_at: string; link: string; successor: number };
}

/** One converter between adjacent versions. */
export interface ConverterInfo {
  subject: string;
  from: number;
  to: number;
  lossy: boolean;
  note: string;
}

/** generated/versions.json. */
export interface VersionsDocument {
  versions: VersionInfo[];
  converters: ConverterInfo[];
}

/** Where a contract's page lives under docs/contracts: v1 at `<point>/<Name>` (stable links), later versions under `<point>/v<N>/`. */
export function pagePath(c: Pick<ContractFile, 'point' | 'version' | 'name'>): string {
  return c.version === 1 ? `${c.point}/${c.name}.md` : `${c.point}/v${c.version}/${c.name}.md`;
}

/** The deprecation notice of a contract page, or '' when its version is not deprecated. */
export function deprecationNotice(info: VersionInfo | undefined): string {
  const d = info?.deprecation;
  if (!d) return '';
  return [
    ':::warning Deprecated',
    '',
    `\`${info!.point}.v${info!.version}\` is deprecated from **${d.deprecated_at}** and may stop being served after ` +
      `**${d.sunset_at}** (servers answer with the \`Deprecation\` and \`Sunset\` headers, RFC 9745 and RFC 8594). ` +
      `Move to version ${d.successor}; see [the notice](${d.link}) and the [compatibility matrix](/docs/contracts/compatibility).`,
    '',
    ':::',
    '',
  ].join('\n');
}

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

/** The markdown page of one contract (with a deprecation notice when its version is deprecated). */
export function buildContractPage(c: ContractFile, lifecycle?: VersionInfo): string {
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
  const notice = deprecationNotice(lifecycle);
  if (notice) lines.push(notice);
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

/** The index page of one integration point: its contracts, grouped by version. */
export function buildPointIndex(
  point: string,
  contracts: readonly ContractFile[],
  lifecycle: readonly VersionInfo[] = [],
): string {
  const versions = [...new Set(contracts.map((c) => c.version))].sort((a, b) => a - b);
  const out = [
    '---',
    `title: ${JSON.stringify(`${point} contracts`)}`,
    `sidebar_label: ${JSON.stringify(point)}`,
    '---',
    '',
    `# ${point}`,
    '',
  ];
  for (const v of versions) {
    const info = lifecycle.find((l) => l.point === point && l.version === v);
    if (versions.length > 1) out.push(`## Version ${v}${info ? ` (${info.status})` : ''}`, '');
    out.push(`Import path: \`@fieldops/contracts/${point}/v${v}\`.`, '');
    if (info?.summary && versions.length > 1) out.push(info.summary, '');
    const notice = deprecationNotice(info);
    if (notice) out.push(notice);
    for (const c of contracts.filter((x) => x.version === v)) {
      out.push(`- [${c.point}.v${c.version}.${c.name}](./${pagePath(c).slice(point.length + 1)})`);
    }
    out.push('');
  }
  return out.join('\n');
}

/**
 * The compatibility matrix: per contract version its status, deprecation and sunset, the first package
 * versions that speak it, and the converters joining adjacent versions.
 */
export function buildCompatibilityPage(doc: VersionsDocument): string {
  const packages = [...new Set(doc.versions.flatMap((v) => Object.keys(v.spoken_by)))].sort();
  const name = (point: string) =>
    point.startsWith('events:') ? `event \`${point.slice(7)}\`` : `\`${point}\``;
  const lines = [
    '---',
    'title: Compatibility matrix',
    'sidebar_position: 1',
    'description: Which package versions speak which contract versions, and which converters join them.',
    '---',
    '',
    '# Compatibility matrix',
    '',
    "Generated from the contracts' metadata (`packages/contracts/generated/versions.json`). A cell names the",
    'first version of a package that speaks the contract version; every later version of that package speaks',
    'it too until its sunset. Servers of a deprecated version answer with `Deprecation` (RFC 9745) and',
    '`Sunset` (RFC 8594) headers; clients log one warning per process.',
    '',
    `| contract | version | status | deprecated from | sunset | ${packages.map((p) => `\`${p}\``).join(' | ')} |`,
    `| --- | --- | --- | --- | --- | ${packages.map(() => '---').join(' | ')} |`,
  ];
  for (const v of doc.versions) {
    lines.push(
      `| ${name(v.point)} | v${v.version} | ${v.status} | ${v.deprecation?.deprecated_at ?? ''} | ${v.deprecation?.sunset_at ?? ''} | ${packages
        .map((p) => (v.spoken_by[p] ? `≥ ${v.spoken_by[p]}` : '—'))
        .join(' | ')} |`,
    );
  }
  lines.push(
    '',
    '## Converters',
    '',
    'Each converter joins two adjacent versions and lives in `@fieldops/contracts` beside them. A consumer that',
    'declares only an older version reads a newer document through them; what they drop or refuse is stated.',
    '',
    '| subject | from | to | lossy | what happens |',
    '| --- | --- | --- | --- | --- |',
    ...doc.converters.map(
      (c) => `| \`${c.subject}\` | v${c.from} | v${c.to} | ${c.lossy ? 'yes' : 'no'} | ${cell(c.note)} |`,
    ),
    '',
    '## What changed between versions',
    '',
    ...doc.versions.map((v) => `- ${name(v.point)} v${v.version}: ${cell(v.summary)}`),
    '',
  );
  return lines.join('\n');
}

/** Reads generated/versions.json; an empty document when it is absent. */
export async function readVersions(file = VERSIONS_FILE): Promise<VersionsDocument> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as VersionsDocument;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { versions: [], converters: [] };
    throw error;
  }
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
export async function generateContractDocs(
  schemaDir = SCHEMA_DIR,
  outDir = OUT_DIR,
  versionsFile = VERSIONS_FILE,
): Promise<number> {
  const contracts = await readContracts(schemaDir);
  const versions = await readVersions(versionsFile);
  const lifecycleOf = (c: ContractFile) =>
    versions.versions.find((v) => v.point === c.point && v.version === c.version);
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
    await writeFile(path.join(dir, 'index.md'), buildPointIndex(point, mine, versions.versions));
    for (const v of new Set(mine.map((c) => c.version))) {
      if (v === 1) continue;
      await mkdir(path.join(dir, `v${v}`), { recursive: true });
      await writeFile(
        path.join(dir, `v${v}`, '_category_.json'),
        JSON.stringify({ label: `${point} v${v}`, position: 100 + v }),
      );
    }
    for (const c of mine)
      await writeFile(path.join(outDir, pagePath(c)), buildContractPage(c, lifecycleOf(c)));
  }
  await writeFile(path.join(outDir, 'compatibility.md'), buildCompatibilityPage(versions));
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
      'These pages are generated from the JSON Schemas at build time. Versions live side by side; the',
      '[compatibility matrix](./compatibility.md) says which package versions speak which contract versions.',
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
