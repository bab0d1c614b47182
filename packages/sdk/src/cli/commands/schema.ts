import { parseArgs } from 'node:util';
import { getJsonSchema, listContractMeta } from '@fieldops/contracts';
import { type CliCommand, EXIT, UsageError } from '../io.js';
import { resolveContractName } from './validate.js';

/** `fieldops schema --list` and `fieldops schema NAME` */
export const schemaCommand: CliCommand = {
  name: 'schema',
  summary: 'List contract names or print the JSON Schema of one.',
  usage:
    'fieldops schema --list [--point NAME]\nfieldops schema NAME      (e.g. automation.v1.ExecutionSpec or ExecutionSpec)',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { list: { type: 'boolean', short: 'l' }, point: { type: 'string' } },
    });
    if (values.list) {
      const metas = listContractMeta()
        .filter((m) => !values.point || m.point === values.point)
        .sort((a, b) => a.id.localeCompare(b.id));
      const width = Math.max(...metas.map((m) => m.id.length));
      for (const m of metas) io.stdout(`${m.id.padEnd(width)}${m.description ? `  ${m.description}` : ''}\n`);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError('fieldops schema: name one contract, or pass --list');
    const id = resolveContractName(positionals[0]!);
    io.stdout(`${JSON.stringify(getJsonSchema(id), null, 2)}\n`);
    return EXIT.ok;
  },
};
