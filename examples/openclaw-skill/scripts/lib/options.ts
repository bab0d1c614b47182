// Command-line options of deploy-site, with environment fallbacks so an agent (or a person) can set
// endpoints once. Tokens only ever come from the environment, never from arguments.
import { parseArgs } from 'node:util';

/** Everything deploy-site needs. */
export interface DeploySiteOptions {
  /** Execution spec file; or `deploymentId` to fetch it from the registry. */
  specPath?: string | undefined;
  deploymentId?: string | undefined;
  registryUrl: string;
  registryToken?: string | undefined;
  rfidUrl: string;
  rfidToken?: string | undefined;
  /** KB root where the run bundle is written (`<kb>/projects/<project>/runs/<date>/<run id>/`). */
  kbDir?: string | undefined;
  kbUrl?: string | undefined;
  /** Public URL of the KB's run pages (site URL + the runs plugin's routeBasePath), for `kb_page` links. */
  kbPagesUrl?: string | undefined;
  /** Notifications engine HTTP API (`POST /notify/events`); run events are sent there. */
  notifyUrl?: string | undefined;
  notifyToken?: string | undefined;
  /** Data directory of the run events' outbox (PGlite); default `.fieldops/outbox`. */
  outboxDir: string;
  /** `host:port=host:port` overrides: where the spec's site addresses really are (like curl --resolve). */
  resolve: Map<string, string>;
  /** Use this existing VM instead of provisioning one on Proxmox. */
  existingVm?: string | undefined;
  /** Print docker commands instead of running them. */
  dockerDryRun: boolean;
  /** Test reads each station sends after its claim (0: none). */
  commissioningReads: number;
  /** Cap of a retry backoff (the spec's backoff otherwise). */
  maxBackoffMs?: number | undefined;
  /** Print what would be done and stop. */
  dryRun: boolean;
}

/** The usage text. */
export const USAGE = `usage: fieldops-deploy-site (--spec FILE | --deployment-id DEP_ID) [options]

  --registry URL          registry API (env FIELDOPS_REGISTRY_URL; token env FIELDOPS_REGISTRY_TOKEN)
  --rfid URL              site RFID backend, LAN only (env FIELDOPS_RFID_URL; token env FIELDOPS_RFID_TOKEN)
  --kb DIR                KB root for the run bundle (env FIELDOPS_KB_DIR)
  --kb-url URL            public URL of the KB root, for links (env FIELDOPS_KB_URL)
  --kb-pages-url URL      public URL of the KB run pages, e.g. https://kb.example.com/runs (env FIELDOPS_KB_PAGES_URL)
  --notify URL            notifications API (env FIELDOPS_NOTIFY_URL; token env FIELDOPS_NOTIFY_TOKEN)
  --outbox DIR            run events' outbox, delivered to --notify (env FIELDOPS_OUTBOX_DIR; default .fieldops/outbox)
  --resolve H:P=H:P       reach a site address elsewhere (repeatable), e.g. bkk-01-edge.lan:8080=10.0.0.5:8080
  --existing-vm HOST      skip Proxmox: the stacks go to this existing VM
  --docker-dry-run        print docker compose commands instead of running them
  --commissioning-reads N test reads per station after its claim (default 3)
  --max-backoff-ms N      cap retry backoffs (default: as the spec says)
  --dry-run               print the plan, change nothing (the CRM records a dry-run run)
Secrets: env:NAME from the environment, file:PATH, vault:PATH#KEY (VAULT_ADDR + VAULT_TOKEN),
op://vault/item/field (OP_CONNECT_HOST + OP_CONNECT_TOKEN).`;

/** Parses argv (without node and script) and the environment. Throws with the usage on errors. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): DeploySiteOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      spec: { type: 'string' },
      'deployment-id': { type: 'string' },
      registry: { type: 'string' },
      rfid: { type: 'string' },
      kb: { type: 'string' },
      'kb-url': { type: 'string' },
      'kb-pages-url': { type: 'string' },
      notify: { type: 'string' },
      outbox: { type: 'string' },
      resolve: { type: 'string', multiple: true, default: [] },
      'existing-vm': { type: 'string' },
      'docker-dry-run': { type: 'boolean', default: false },
      'commissioning-reads': { type: 'string', default: '3' },
      'max-backoff-ms': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  if (!values.spec === !values['deployment-id'])
    throw new UsageError('give exactly one of --spec or --deployment-id');
  const registryUrl = values.registry ?? env.FIELDOPS_REGISTRY_URL;
  const rfidUrl = values.rfid ?? env.FIELDOPS_RFID_URL;
  if (!registryUrl) throw new UsageError('--registry (or FIELDOPS_REGISTRY_URL) is required');
  if (!rfidUrl) throw new UsageError('--rfid (or FIELDOPS_RFID_URL) is required');
  const resolve = new Map<string, string>();
  for (const r of values.resolve) {
    const m = /^([^=\s]+:\d+)=([^=\s]+:\d+)$/.exec(r);
    if (!m) throw new UsageError(`--resolve ${r}: expected host:port=host:port`);
    resolve.set(m[1]!.toLowerCase(), m[2]!);
  }
  const reads = Number(values['commissioning-reads']);
  if (!Number.isInteger(reads) || reads < 0 || reads > 1000)
    throw new UsageError('--commissioning-reads: expected 0–1000');
  const backoff = values['max-backoff-ms'] === undefined ? undefined : Number(values['max-backoff-ms']);
  if (backoff !== undefined && !(backoff >= 0))
    throw new UsageError('--max-backoff-ms: expected a number ≥ 0');
  return {
    specPath: values.spec,
    deploymentId: values['deployment-id'],
    registryUrl,
    registryToken: env.FIELDOPS_REGISTRY_TOKEN,
    rfidUrl,
    rfidToken: env.FIELDOPS_RFID_TOKEN,
    kbDir: values.kb ?? env.FIELDOPS_KB_DIR,
    kbUrl: values['kb-url'] ?? env.FIELDOPS_KB_URL,
    kbPagesUrl: values['kb-pages-url'] ?? env.FIELDOPS_KB_PAGES_URL,
    notifyUrl: values.notify ?? env.FIELDOPS_NOTIFY_URL,
    notifyToken: env.FIELDOPS_NOTIFY_TOKEN,
    outboxDir: values.outbox ?? env.FIELDOPS_OUTBOX_DIR ?? '.fieldops/outbox',
    resolve,
    existingVm: values['existing-vm'],
    dockerDryRun: values['docker-dry-run'],
    commissioningReads: reads,
    maxBackoffMs: backoff,
    dryRun: values['dry-run'],
  };
}

/** A usage error (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
