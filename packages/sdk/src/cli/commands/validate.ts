import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatPath, listContracts, validateContract } from '@fieldops/contracts';
import { parse as parseYaml } from 'yaml';
import { type CliCommand, EXIT, UsageError } from '../io.js';

/** Resolves a `--contract` value: a full id (`automation.v1.ExecutionSpec`) or a unique short name. */
export function resolveContractName(name: string): string {
  const all = listContracts();
  if (all.includes(name)) return name;
  const matches = all.filter((id) => id.endsWith(`.${name}`) || id.toLowerCase() === name.toLowerCase());
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new UsageError(`fieldops: ${name} is ambiguous: ${matches.join(', ')}`);
  throw new UsageError(`fieldops: no contract named ${name} (see: fieldops schema --list)`);
}

/**
 * Picks the contract of a document: its `$schema` (`urn:fieldops:schema:<id>` or a path ending in
 * `<point>/v<N>/<Name>.schema.json`), then the version marker fields the contracts carry.
 */
export function detectContract(doc: unknown): string | undefined {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const d = doc as Record<string, unknown>;
  if (typeof d.$schema === 'string') {
    const urn = /^urn:fieldops:schema:(.+)$/.exec(d.$schema);
    if (urn) return urn[1];
    const path = /([a-z]+)\/v(\d+)\/([A-Za-z0-9]+)\.schema\.json$/.exec(d.$schema);
    if (path) return `${path[1]}.v${path[2]}.${path[3]}`;
  }
  if ('spec_version' in d) return `automation.v${String(d.spec_version)}.ExecutionSpec`;
  if ('bundle_version' in d) return `kb.v${String(d.bundle_version)}.RunBundle`;
  if ('snapshot_version' in d && 'site_id' in d)
    return `chirpstack.v${String(d.snapshot_version)}.FleetSnapshot`;
  if ('snapshot_version' in d) return `kb.v${String(d.snapshot_version)}.ConfigSnapshot`;
  if ('plan_version' in d) return `chirpstack.v${String(d.plan_version)}.Plan`;
  if (d.specversion === '1.0' && typeof d.type === 'string') {
    const v = /\.v(\d+)$/.exec(d.type)?.[1] ?? '1';
    return `events.v${v}.FieldopsEvent`;
  }
  return undefined;
}

/**
 * Reads a JSON or YAML file (by extension; YAML is a superset, so unknown extensions parse as YAML).
 * Only regular files are read: a FIFO, a device or a directory is refused instead of waited on. A
 * UTF-8 byte-order mark is skipped. A JSON syntax error names the position only, never the text: the
 * file may hold a secret.
 */
export async function readDocument(path: string): Promise<unknown> {
  const text = stripBom(await readRegularFile(path));
  if (extname(path).toLowerCase() === '.json') return parseJson(text);
  return parseYaml(text, { prettyErrors: true });
}

/** Reads a file as UTF-8 after checking it is a regular file (O_NONBLOCK: opening a FIFO never waits). */
async function readRegularFile(path: string): Promise<string> {
  if (!(await stat(path)).isFile()) throw new Error('not a regular file (a FIFO, device or directory)');
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    // Checked again on the open handle: the path may have been swapped since the first look.
    if (!(await handle.stat()).isFile()) throw new Error('not a regular file (a FIFO, device or directory)');
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Drops a leading UTF-8 byte-order mark (editors on Windows write one). */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** JSON.parse whose error names the line and column, never the text around it. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const position = /position (\d+)/.exec(probeJsonError(text))?.[1];
    if (position === undefined) throw new Error('invalid JSON');
    const before = text.slice(0, Number(position));
    const line = before.split('\n').length;
    const column = Number(position) - before.lastIndexOf('\n');
    throw new Error(`invalid JSON at line ${line}, column ${column}`);
  }
}

/** The engine's own message for a JSON syntax error (only its position is used). */
function probeJsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : '';
  }
}

/** `fieldops validate <file…> [--contract NAME] [--json]` */
export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'Validate JSON/YAML documents against their contract.',
  usage:
    'fieldops validate <file.json|yaml>... [--contract NAME] [--json]\n\n' +
    'The contract comes from --contract, else the $schema field, else spec_version / bundle_version /\n' +
    'snapshot_version / plan_version / specversion. Exit 0 when all are valid, 1 when any is not, 2 on usage errors.',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { contract: { type: 'string', short: 'c' }, json: { type: 'boolean' } },
    });
    if (positionals.length === 0) throw new UsageError('fieldops validate: name at least one file');
    const forced = values.contract ? resolveContractName(values.contract) : undefined;
    let failed = false;
    const report: {
      file: string;
      contract?: string;
      valid: boolean;
      problems: { path: string; message: string }[];
    }[] = [];
    for (const file of positionals) {
      let doc: unknown;
      try {
        doc = await readDocument(resolve(io.cwd, file));
      } catch (error) {
        const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        report.push({
          file,
          valid: false,
          problems: [{ path: '(file)', message: `cannot read: ${message}` }],
        });
        failed = true;
        continue;
      }
      const contract = forced ?? detectContract(doc);
      if (!contract) {
        report.push({
          file,
          valid: false,
          problems: [
            {
              path: '(root)',
              message: 'cannot tell which contract this is: add $schema or pass --contract NAME',
            },
          ],
        });
        failed = true;
        continue;
      }
      const result = validateContract(contract, doc);
      if (result.success) report.push({ file, contract, valid: true, problems: [] });
      else {
        failed = true;
        report.push({
          file,
          contract,
          valid: false,
          problems: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
        });
      }
    }
    if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const r of report) {
        if (r.valid) io.stdout(`ok    ${r.file}: valid ${r.contract}\n`);
        else {
          io.stdout(`FAIL  ${r.file}${r.contract ? `: invalid ${r.contract}` : ''}\n`);
          for (const p of r.problems)
            io.stdout(`      ${r.contract ?? 'fieldops'}: ${p.path}: ${p.message}\n`);
        }
      }
    }
    return failed ? EXIT.invalid : EXIT.ok;
  },
};
