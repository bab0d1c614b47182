import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxmoxClient } from '../../src/automation/handlers/proxmox/client.js';
import { createProxmoxTlsFetch } from '../../src/automation/handlers/proxmox/tls-fetch.js';
import { createProvisionVmHandler, runSpec } from '../../src/automation/index.js';
import { createEnvProvider, createSecretResolver } from '../../src/secrets/index.js';
import { buildSpec, CANARY } from './helpers.js';

// A default Proxmox VE install serves /etc/pve/local/pve-ssl.pem, signed by the cluster's own CA
// (/etc/pve/pve-root-ca.pem, "Proxmox Virtual Environment" / "PVE Cluster Manager CA"); Node's
// fetch refuses it (Proxmox VE admin guide, "Certificate Management"). The test builds the same
// shape with openssl: a CA, and a node certificate it signed for 127.0.0.1.
const dir = mkdtempSync(join(tmpdir(), 'fieldops-pve-tls-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
function makeCa(name: string) {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-days',
    '2',
    '-subj',
    `/CN=Proxmox Virtual Environment/OU=${name}/O=PVE Cluster Manager CA`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
}
let server: Server;
let apiUrl: string;
let nodeFingerprint: string;
const seen: string[] = [];

beforeAll(async () => {
  makeCa('ca');
  makeCa('other-ca');
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    'node.key',
    '-out',
    'node.csr',
    '-subj',
    '/OU=PVE Cluster Node/O=Proxmox Virtual Environment/CN=pve1.test',
  );
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'node.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'node.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  const cert = readFileSync(join(dir, 'node.pem'), 'utf8');
  nodeFingerprint = new X509Certificate(cert).fingerprint256;
  server = createServer({ key: readFileSync(join(dir, 'node.key')), cert }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json;charset=UTF-8');
    if (req.url === '/api2/json/cluster/nextid') {
      res.end(JSON.stringify({ data: '4242' }));
      return;
    }
    res.statusCode = 401;
    res.statusMessage = 'authentication failure';
    res.end(JSON.stringify({ data: null, message: 'authentication failure\n' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const client = (fetchImpl?: typeof fetch) =>
  createProxmoxClient({
    apiUrl,
    tokenId: 'automation@pve!fieldops',
    tokenSecret: CANARY,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });

describe('Proxmox API over TLS with a cluster-CA certificate', () => {
  it('is refused by default, with an error that says how to trust it', async () => {
    const error = await client()
      .nextVmid()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'proxmox_failed', retryable: false });
    expect((error as Error).message).toMatch(
      /^@fieldops\/sdk\/automation: proxmox GET \/cluster\/nextid: the server's certificate was refused \([A-Z_]+\); trust it with the handler's tls\.caFile/,
    );
  });

  it('is trusted with the CA file', async () => {
    const pve = client(createProxmoxTlsFetch({ caFile: join(dir, 'ca.pem') }));
    expect(await pve.nextVmid()).toBe(4242);
  });

  it('is refused with the CA file of another cluster', async () => {
    const pve = client(createProxmoxTlsFetch({ caFile: join(dir, 'other-ca.pem') }));
    await expect(pve.nextVmid()).rejects.toMatchObject({
      message: expect.stringContaining("the server's certificate was refused"),
    });
  });

  it('is trusted with the SHA-256 fingerprint pin, in either spelling', async () => {
    expect(await client(createProxmoxTlsFetch({ fingerprint256: nodeFingerprint })).nextVmid()).toBe(4242);
    const plain = nodeFingerprint.replace(/:/g, '').toLowerCase();
    expect(await client(createProxmoxTlsFetch({ fingerprint256: plain })).nextVmid()).toBe(4242);
  });

  it('refuses a certificate that is not the pinned one, without retrying', async () => {
    const wrong = `${nodeFingerprint.slice(0, -2)}${nodeFingerprint.endsWith('00') ? '01' : '00'}`;
    const before = seen.length;
    const error = await client(createProxmoxTlsFetch({ fingerprint256: wrong }))
      .nextVmid()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      retryable: false,
      message: `@fieldops/sdk/automation: proxmox 127.0.0.1:${new URL(apiUrl).port} presented a certificate whose SHA-256 fingerprint is not the pinned one`,
    });
    // Nothing was sent: the token never reached the impostor.
    expect(seen.length).toBe(before);
  });

  it('lets a spec with verify_tls false run when the handler pins the certificate', async () => {
    const secrets = createSecretResolver({ providers: [createEnvProvider({ env: { PVE_TOKEN: CANARY } })] });
    const spec = buildSpec([
      {
        id: 'vm',
        kind: 'provision_vm',
        proxmox: {
          api_url: apiUrl,
          node: 'pve1',
          token_id: 'automation@pve!fieldops',
          token_secret_ref: 'env:PVE_TOKEN',
          verify_tls: false,
        },
        template_vmid: 9000,
        vmid: 300,
        vm_name: 'bkk-01-edge',
        cores: 2,
        memory_mb: 2048,
      },
    ]);
    const pinned = await runSpec(spec, {
      secrets,
      handlers: { provision_vm: createProvisionVmHandler({ tls: { fingerprint256: nodeFingerprint } }) },
    });
    // The TLS handshake passed: the request reached the server, which refused the token.
    expect(pinned.record.steps[0]?.error?.message).toBe(
      '@fieldops/sdk/automation: proxmox GET /nodes/{node}/qemu/{vmid}/config answered 401: authentication failure',
    );
    const unpinned = await runSpec(spec, { secrets });
    expect(unpinned.record.steps[0]?.message).toContain('verify_tls false needs a fetch');
  });
});
