// @fieldops/core/secrets: the one secrets implementation of fieldops (sdk and notify use it).
// SecretRefs resolved at the last moment into values that refuse to print, and a redactor that
// knows every resolved value. Imports @fieldops/contracts (REDACTED, isSecretKey, parseSecretRef),
// which imports nothing of ours; the root entry of @fieldops/core does not import this one.

// The error
export { SecretError, type SecretErrorCode } from './errors.js';
// Providers and the resolver
export {
  type SecretLookupOptions,
  type SecretProvider,
  type SecretScheme,
  type TokenSource,
  tokenValue,
} from './provider.js';
export { createEnvProvider, type EnvProviderOptions } from './providers/env.js';
export { createFileProvider, type FileProviderOptions } from './providers/file.js';
// Redaction by value and by key name
export { createRedactor, Redactor } from './redactor.js';
export {
  createSecretResolver,
  type SecretResolver,
  type SecretResolverOptions,
} from './resolver.js';
// The value
export { isSecret, revealSecret, Secret, type SecretLike } from './secret.js';
export { buildSecretForms } from './secret-forms.js';
export { createStreamRedactor, type StreamRedactor } from './stream-redactor.js';
