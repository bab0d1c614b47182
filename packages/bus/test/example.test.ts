import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('README example', () => {
  it('examples/embedded.ts (the README example) applies the event through PGlite and in-process delivery', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/embedded.ts'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('applied: [{"device_id":"dev_0001","change":"created"}]');
  });
});
