import type { DesiredState } from '../../src/chirpstack/index.js';

/** A key the tests use; the canary checks look for it in logs and plans. */
export const CANARY_KEY = 'c0ffee00c0ffee00c0ffee00c0ffee01';

/** A DevEUI from an index. */
export const eui = (i: number) => (0x70b3d50000000000n + BigInt(i)).toString(16).padStart(16, '0');

/** A small desired state: one tenant, one application, one profile, `n` devices with keys, one gateway. */
export function desiredState(n: number): DesiredState {
  return {
    tenant: { name: 'site-bkk-01', description: 'Bangkok plant' },
    applications: [{ name: 'sensors' }],
    device_profiles: [
      {
        name: 'as923-2-class-a',
        region: 'as923_2',
        mac_version: 'LORAWAN_1_0_3',
        reg_params_revision: 'RP002_1_0_3',
        supports_otaa: true,
        uplink_interval_s: 600,
      },
    ],
    gateways: [{ gateway_eui: 'aa555a0000000001', name: 'gw-1', stats_interval_s: 30 }],
    devices: Array.from({ length: n }, (_, i) => ({
      dev_eui: eui(i),
      name: `dev-${String(i).padStart(5, '0')}`,
      application: 'sensors',
      device_profile: 'as923-2-class-a',
      keys: { nwk_key_ref: 'env:APP_KEY' },
    })),
  };
}

/** A resolver that answers every ref with the canary key. */
export const resolveSecret = async (_ref: string) => CANARY_KEY;

/** A logger that keeps every line. */
export function memoryLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    lines.push({ level, obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) });
  };
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } };
}
