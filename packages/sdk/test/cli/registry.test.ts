// Commands registered by packages built on the sdk (the `fieldops` bin registers `fleet diff` from
// @fieldops/fleet): a two-word name adds a subcommand without taking the built-in command's place.
import { describe, expect, it } from 'vitest';
import { registerCommand, runCli, UsageError } from '../../src/cli/api.js';

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), cwd: '/', env: {} },
  };
};

describe('registered commands', () => {
  registerCommand({
    name: 'schema extra',
    summary: 'a registered subcommand (test)',
    usage: 'fieldops schema extra [--fail]',
    async run(args, { stdout }) {
      if (args.includes('--fail')) throw new UsageError('schema extra: bad');
      stdout(`extra got ${JSON.stringify(args)}\n`);
      return 0;
    },
  });

  it('a two-word command gets its own arguments; the built-in command keeps the rest', async () => {
    const a = io();
    expect(await runCli(['schema', 'extra', '--x', '1'], a.io)).toBe(0);
    expect(a.out.join('')).toBe('extra got ["--x","1"]\n');
    const b = io();
    expect(await runCli(['schema', '--list'], b.io)).toBe(0);
    expect(b.out.join('')).toContain('chirpstack.v1.ProvisioningSpec');
  });

  it('is listed in the help, prints its usage, and its usage errors exit 2', async () => {
    const a = io();
    await runCli(['--help'], a.io);
    expect(a.out.join('')).toMatch(/\n {2}schema extra +a registered subcommand \(test\)\n/);
    const b = io();
    expect(await runCli(['schema', 'extra', '--help'], b.io)).toBe(0);
    expect(b.out.join('')).toBe('fieldops schema extra [--fail]\n');
    const c = io();
    expect(await runCli(['schema', 'extra', '--fail'], c.io)).toBe(2);
    expect(c.err.join('')).toContain('schema extra: bad\n\nUsage:\nfieldops schema extra [--fail]');
  });
});
