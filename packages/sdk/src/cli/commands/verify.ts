import { parseArgs } from 'node:util';
import { type CheckResult, formatResults } from '../../verify/check.js';
import { verifyRegistry } from '../../verify/registry.js';
import { RFID_VERIFY_VERSIONS, type RfidVersion, verifyRfidVersions } from '../../verify/rfid.js';
import { type CliCommand, EXIT, UsageError } from '../io.js';
import { createCheckProgress } from '../progress.js';

/** `fieldops verify rfid|registry --base-url URL [--token T]` */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Check a live RFID backend or registry API against the contract (pass/fail table).',
  usage:
    'fieldops verify rfid --base-url URL [--version 1|2|all] [--token TOKEN | --token-env NAME] [--claim-code CODE [--claim-code CODE2]] [--station-id ID] [--json]\n' +
    'fieldops verify registry --base-url URL [--token TOKEN | --token-env NAME] [--deployment-id ID] [--json]\n\n' +
    'Runs every check (responses valid against the contract, idempotency, ETag/If-Match, error statuses)\n' +
    'and prints a pass/fail table. The run writes test records (ids starting verify). Exit 0 when no check\n' +
    'fails, 1 when one does, 2 on usage errors. Prefer --token-env: a --token value is visible to ps.\n' +
    'rfid: two unused --claim-code values claim two stations and run the scoping checks (station A\n' +
    "may not write, read, map or re-issue for station B); the token should be an operator's.\n" +
    'rfid --version: one API version, or all (default): every version the server announces (its\n' +
    '/api/vN/health answers), oldest first, each result tagged with its version. A deprecated version\n' +
    'must answer with Deprecation and Sunset headers; a current one with neither.',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'base-url': { type: 'string' },
        token: { type: 'string' },
        'token-env': { type: 'string' },
        'claim-code': { type: 'string', multiple: true },
        'station-id': { type: 'string' },
        'deployment-id': { type: 'string' },
        version: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const target = positionals[0];
    if (positionals.length !== 1 || (target !== 'rfid' && target !== 'registry')) {
      throw new UsageError('fieldops verify: name what to verify: rfid or registry');
    }
    const baseUrl = values['base-url'];
    if (!baseUrl) throw new UsageError('fieldops verify: --base-url is required');
    try {
      new URL(baseUrl);
    } catch {
      throw new UsageError(`fieldops verify: --base-url ${JSON.stringify(baseUrl)} is not a URL`);
    }
    let token = values.token;
    if (values['token-env']) {
      token = io.env[values['token-env']];
      if (!token)
        throw new UsageError(`fieldops verify: the environment variable ${values['token-env']} is empty`);
    }
    const versionArg = values.version ?? 'all';
    let versions: 'all' | RfidVersion[];
    if (versionArg === 'all') versions = 'all';
    else if (RFID_VERIFY_VERSIONS.includes(Number(versionArg) as RfidVersion))
      versions = [Number(versionArg) as RfidVersion];
    else
      throw new UsageError(
        `fieldops verify: --version ${JSON.stringify(versionArg)}: expected ${RFID_VERIFY_VERSIONS.join(', ')} or all`,
      );
    if (values.version !== undefined && target !== 'rfid')
      throw new UsageError('fieldops verify: --version applies to rfid (the registry has one version)');
    let results: CheckResult[];
    const progress = createCheckProgress(io, `verify ${target}`);
    const onCheck = (r: CheckResult) => progress.check(r);
    try {
      results =
        target === 'rfid'
          ? await verifyRfidVersions({
              versions,
              baseUrl,
              token,
              claimCodes: values['claim-code'],
              stationId: values['station-id'],
              onCheck,
            })
          : await verifyRegistry({ baseUrl, token, deploymentId: values['deployment-id'], onCheck });
      progress.end();
    } catch (error) {
      progress.end();
      const why = error instanceof Error ? error.message : String(error);
      io.stderr(
        `fieldops verify: cannot run against ${new URL(baseUrl).origin}: ${token ? why.split(token).join('[redacted]') : why}\n`,
      );
      return EXIT.invalid;
    }
    if (values.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
    else io.stdout(formatResults(`fieldops verify ${target}: ${new URL(baseUrl).origin}`, results));
    return results.some((r) => r.status === 'fail') ? EXIT.invalid : EXIT.ok;
  },
};
