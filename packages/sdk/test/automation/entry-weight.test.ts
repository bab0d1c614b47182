import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../../../..');
const SRC = resolve(__dirname, '../../src');

function protobufModulesLoadedBy(entry: string): number {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '__fixtures__/loaded-modules.ts'), join(SRC, entry)],
    {
      cwd: REPO,
      encoding: 'utf8',
    },
  );
  return Number(out);
}

describe('entry weight', () => {
  it('the root, automation and secrets entries load no protobuf or gRPC code; chirpstack does', () => {
    expect(protobufModulesLoadedBy('index.ts')).toBe(0);
    expect(protobufModulesLoadedBy('automation/index.ts')).toBe(0);
    expect(protobufModulesLoadedBy('secrets/index.ts')).toBe(0);
    // The HTTP clients and the HTTP test kits (issue 12): no gRPC either.
    expect(protobufModulesLoadedBy('rfid/index.ts')).toBe(0);
    expect(protobufModulesLoadedBy('registry/index.ts')).toBe(0);
    expect(protobufModulesLoadedBy('testing/index.ts')).toBe(0);
    // The control: the probe does see them when they load.
    expect(protobufModulesLoadedBy('chirpstack/index.ts')).toBeGreaterThan(10);
    expect(protobufModulesLoadedBy('testing/chirpstack.ts')).toBeGreaterThan(10);
  });
});
