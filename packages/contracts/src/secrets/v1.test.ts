import { describe, expect, it } from 'vitest';
import { isSecretKey, isSecretRef, parseSecretRef, SecretRef } from './v1.js';

describe('SecretRef', () => {
  it('takes apart the four forms', () => {
    expect(parseSecretRef('env:CHIRPSTACK_API_TOKEN')).toEqual({
      scheme: 'env',
      name: 'CHIRPSTACK_API_TOKEN',
    });
    expect(parseSecretRef('file:/run/secrets/app_key')).toEqual({
      scheme: 'file',
      path: '/run/secrets/app_key',
    });
    expect(parseSecretRef('vault:kv/data/site-1#app_key')).toEqual({
      scheme: 'vault',
      path: 'kv/data/site-1',
      key: 'app_key',
    });
    expect(parseSecretRef('op://ops/chirpstack/token')).toEqual({
      scheme: 'op',
      vault: 'ops',
      item: 'chirpstack',
      field: 'token',
    });
    expect(parseSecretRef('op://ops/chirpstack/api/token')).toEqual({
      scheme: 'op',
      vault: 'ops',
      item: 'chirpstack',
      section: 'api',
      field: 'token',
    });
  });

  it('rejects values that look like secrets themselves, naming the contract', () => {
    expect(isSecretRef('s3cr3t-token-value')).toBe(false);
    expect(isSecretRef('vault:kv/data/x')).toBe(false); // no #key
    expect(() => parseSecretRef('hunter2')).toThrow(
      'secrets.v1.SecretRef: (root): expected a secret reference',
    );
    expect(SecretRef.safeParse('env:1BAD').success).toBe(false);
  });

  it('knows which field names hold secrets', () => {
    for (const k of [
      'api_token',
      'app_key',
      'nwk_key',
      'POSTGRES_PASSWORD',
      'station_token',
      'Authorization',
      'client_secret',
    ]) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ['api_token_ref', 'token_id', 'name', 'dev_eui', 'secrets_count'])
      expect(isSecretKey(k), k).toBe(false);
  });
});
