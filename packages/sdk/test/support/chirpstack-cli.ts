// What the `fieldops chirpstack …` CLI tests share (cli, cli-restore, cli-progress): the spec file they
// apply, a scratch folder holding it (the CLI's cwd), and a CliIo that keeps what the CLI prints.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/io.js';
import { eui } from '../chirpstack/helpers.js';

/** The spec the CLI tests reconcile: one tenant, application and AS923 class A profile, and `devices` devices. */
export function buildCliSpec(options: {
  tenant: string;
  devices: number;
  withKeys: boolean;
  gateway: boolean;
  names?: string;
}) {
  return {
    tenant: { name: options.tenant },
    applications: [{ name: 'sensors' }],
    device_profiles: [
      {
        name: 'as923-class-a',
        region: 'as923',
        mac_version: 'LORAWAN_1_0_3',
        reg_params_revision: 'RP002_1_0_3',
        supports_otaa: true,
        uplink_interval_s: 900,
      },
    ],
    gateways: options.gateway ? [{ gateway_eui: 'AA555A0000000009', name: 'gw-cli' }] : [],
    devices: Array.from({ length: options.devices }, (_, i) => ({
      dev_eui: eui(i),
      name: `${options.names ?? 'dev'}-${i}`,
      application: 'sensors',
      device_profile: 'as923-class-a',
      ...(options.withKeys ? { keys: { nwk_key_ref: 'env:APP_KEY' } } : {}),
    })),
  };
}

/** The three-device spec (keys from env:APP_KEY, one gateway) of the CLI's plan/apply/restore tests. */
export const SMALL_CLI_SPEC = buildCliSpec({
  tenant: 'site-cli',
  devices: 3,
  withKeys: true,
  gateway: true,
  names: 'cli',
});

/** A scratch folder with `spec.json` written in it; `remove` deletes it. */
export async function createSpecDir(
  prefix: string,
  spec: unknown,
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `fieldops-${prefix}-`));
  await writeFile(join(dir, 'spec.json'), JSON.stringify(spec));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A CliIo in `cwd` with `env`, keeping stdout and stderr in `out.stdout` / `out.stderr` (cleared by `clear`). */
export function captureIo(
  cwd: string,
  env: Record<string, string>,
  extra: Partial<CliIo> = {},
): { io: CliIo; out: { stdout: string; stderr: string }; clear(): void } {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    cwd,
    env,
    ...extra,
  };
  return {
    io,
    out,
    clear: () => {
      out.stdout = '';
      out.stderr = '';
    },
  };
}
