import * as core from '@fieldops/core/secrets';
import { describe, expect, it } from 'vitest';
import {
  createEnvFileProvider,
  createEnvProvider,
  createRedactor,
  createSecretResolver,
  Redactor,
  Secret,
  SecretError,
} from '../../src/secrets/index.js';

// Issue 12, item 4: one secrets implementation. `@fieldops/sdk/secrets` re-exports
// `@fieldops/core/secrets` (which notify uses too) instead of keeping its own copy.
describe('@fieldops/sdk/secrets is @fieldops/core/secrets', () => {
  it('re-exports the same Secret, Redactor, resolver and SecretError', () => {
    expect(Secret).toBe(core.Secret);
    expect(Redactor).toBe(core.Redactor);
    expect(createSecretResolver).toBe(core.createSecretResolver);
    expect(createEnvProvider).toBe(core.createEnvProvider);
    expect(SecretError).toBe(core.SecretError);
  });

  it("redacts a value resolved by an sdk provider through core's redactor, by value and by key", async () => {
    const redactor = core.createRedactor();
    const resolver = createSecretResolver({
      providers: [
        createEnvFileProvider({ path: '/nonexistent/site.env', required: false }),
        createEnvProvider({ env: { TOKEN: 'shared-canary-9c1e7a' } }),
      ],
      redactor,
    });
    const secret = await resolver.resolve('env:TOKEN');
    expect(secret).toBeInstanceOf(core.Secret);
    expect(redactor.redactString(`Bearer ${Buffer.from('shared-canary-9c1e7a').toString('base64')}`)).toBe(
      'Bearer [redacted]',
    );
    expect(createRedactor().redactValue({ token: secret, note: 'x' })).toEqual({
      token: '[redacted]',
      note: 'x',
    });
  });
});
