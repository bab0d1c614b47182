import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { AutomationError } from '../../errors.js';

/** How the Proxmox API's certificate is trusted when the system CAs do not know it. */
export interface ProxmoxTlsOptions {
  /**
   * PEM file of the CA that signed the node's certificate (a default install: the cluster CA,
   * `/etc/pve/pve-root-ca.pem`). The chain and the host name are checked against it.
   */
  caFile?: string;
  /** The same CA as PEM text. */
  ca?: string;
  /**
   * SHA-256 fingerprint of the node's certificate (`AB:CD:…` or plain hex, as `pvenode cert info`
   * prints it). The certificate must be exactly this one; the chain is not checked, as Proxmox's own
   * API client does with a fingerprint.
   */
  fingerprint256?: string;
}

/** `AB:cd:…` or `abcd…` as upper-case hex without separators. */
export function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new AutomationError(
      'proxmox_failed',
      'proxmox tls fingerprint256 must be a SHA-256 fingerprint (64 hex digits, colons allowed)',
      { retryable: false },
    );
  }
  return hex;
}

/**
 * A `fetch` for the Proxmox API that trusts a CA file or pins the certificate's SHA-256 fingerprint,
 * over node:https (no extra dependency). Supports what the Proxmox client sends: method, headers,
 * a string body and an abort signal.
 */
export function createProxmoxTlsFetch(options: ProxmoxTlsOptions): typeof fetch {
  const ca = options.ca ?? (options.caFile ? readFileSync(options.caFile, 'utf8') : undefined);
  const pin = options.fingerprint256 ? normalizeFingerprint(options.fingerprint256) : undefined;
  if (!ca && !pin) {
    throw new AutomationError('proxmox_failed', 'proxmox tls needs caFile, ca or fingerprint256', {
      retryable: false,
    });
  }
  const tlsFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const req = httpsRequest(url, {
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string>,
        ...(ca ? { ca } : {}),
        // With a pin the chain is not what is trusted: the exact certificate is (checked below).
        rejectUnauthorized: !pin,
        ...(init.signal ? { signal: init.signal } : {}),
        agent: false,
      });
      if (pin) {
        req.on('socket', (socket) => {
          socket.once('secureConnect', () => {
            const seen = (socket as TLSSocket).getPeerCertificate().fingerprint256?.replace(/:/g, '');
            if (seen !== pin) {
              req.destroy(
                new AutomationError(
                  'proxmox_failed',
                  `proxmox ${url.host} presented a certificate whose SHA-256 fingerprint is not the pinned one`,
                  { retryable: false },
                ),
              );
            }
          });
        });
      }
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          }
          const status = res.statusCode ?? 502;
          resolve(
            new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers,
            }),
          );
        });
      });
      req.on('error', reject);
      if (typeof init.body === 'string') req.write(init.body);
      req.end();
    });
  return tlsFetch as typeof fetch;
}
