// When SMTP must use TLS: credentials and alert text must not cross in clear text when a network
// attacker strips STARTTLS from the server's EHLO answer.
import type { EmailChannelConfig } from '../../config.js';

/** True for hosts on the loopback interface, where TLS is not required by default. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Whether nodemailer must refuse to go on without STARTTLS (`requireTLS`): as configured, else true
 * unless the relay is on loopback or the connection is TLS from the start (`secure`).
 */
export function requiresStartTls(
  config: Pick<EmailChannelConfig, 'host' | 'secure' | 'require_tls'>,
): boolean {
  return config.require_tls ?? (!config.secure && !isLoopbackHost(config.host));
}
