import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FleetSnapshot, ProvisioningSpec } from '@fieldops/contracts/chirpstack/v1';
import type { Device as RegistryDevice } from '@fieldops/contracts/registry/v1';
import type { ChirpStackClient, RegistryWriteBack } from '../../chirpstack/index.js';
import { type CliCommand, type CliIo, EXIT, UsageError } from '../io.js';
import { createProgressReporter } from '../progress.js';
import { guardApply, journalCommand } from './apply-guard.js';
import { readDocument } from './validate.js';

const USAGE = `fieldops chirpstack plan  --spec FILE --chirpstack HOST:PORT [--tenant-id ID] [--registry URL [--site SITE_ID]] [--prune] [--json]
fieldops chirpstack apply --spec FILE --chirpstack HOST:PORT [--tenant-id ID] [--registry URL] [--site SITE_ID] [--prune [--yes]] [--concurrency N] [--journal PATH] [--owner WHO] [--wait SECONDS] [--json]
fieldops chirpstack journal (--site SITE_ID | --chirpstack HOST:PORT) [--all] [--json]
fieldops chirpstack export --chirpstack HOST:PORT --site SITE_ID [--backup [--keys-from SPEC] [--key-ref-template REF]] [--out FILE]
fieldops chirpstack restore --site SITE_ID --from FILE --to HOST:PORT [--tenant NAME] [--allow-existing] [--json]
fieldops chirpstack sync --chirpstack HOST:PORT --registry URL --tenant NAME [--site SITE_ID]

--spec        tenant, applications, device_profiles, gateways (and devices) as JSON/YAML
              (chirpstack.v1.ProvisioningSpec; devices may be omitted when they come from --registry)
--registry    registry base URL: records with desired_state.data.chirpstack become devices (gateways for
              role gateway) and get external_refs.chirpstack.* and observed state written back after apply
--token-ref   SecretRef of the ChirpStack API token (default env:CHIRPSTACK_API_TOKEN)
--registry-token-ref  SecretRef of the registry token (default env:FIELDOPS_REGISTRY_TOKEN, optional)
--tenant      (sync) the ChirpStack tenant whose status is copied into the registry's observed state
--tenant-id   the tenant's id: needed with a tenant API key (it cannot list tenants). An admin key can
              do everything; a tenant key everything inside its tenant except updating the tenant
--prune       also delete undeclared entities that carry the fieldops tag (never global profiles or
              hand-made entities); every device a delete cascades to is listed. apply prints the
              deletes and asks to confirm; without a terminal it needs --yes
--tls         talk TLS to ChirpStack (system roots)
--journal     apply journal for crash recovery (default .fieldops/chirpstack-apply.journal)
--owner       (apply) who applies, recorded in the lock and the site's journal (default user@host)
--wait        (apply) wait up to SECONDS for another apply on the same site (default: fail at once)
--state-dir   where the site lock (locks/<site>) and the journal of who applied what (journal/<site>.jsonl)
              live (default .fieldops); one apply per site at a time; see \`fieldops chirpstack journal\`
--backup      export a restorable snapshot: every field, whole device profiles, key references, hashes
--keys-from   (export --backup) a ProvisioningSpec whose devices name their key SecretRefs
--key-ref-template  (export --backup) the key reference of other devices, {dev_eui} replaced,
              e.g. file:/run/secrets/lorawan/{dev_eui}.key
--from        (restore) a restorable snapshot (chirpstack.v1.FleetSnapshot, restorable: true)
--to          (restore) the ChirpStack to rebuild the site into; refused when it has the tenant
              already, unless --allow-existing
Device keys are SecretRefs resolved from the environment (env:) or files (file:); never printed.
Exit 0 when done, 1 when apply left errors or the site is locked by another apply, 2 on usage errors.`;

type Values = Record<string, string | boolean | undefined>;

/** `fieldops chirpstack plan|apply|export|sync|restore` */
export const chirpstackCommand: CliCommand = {
  name: 'chirpstack',
  summary:
    'Plan or apply the declared ChirpStack state (tenant, profiles, devices, keys, gateways); export a fleet snapshot or backup; restore a site from its backup.',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        spec: { type: 'string' },
        chirpstack: { type: 'string' },
        registry: { type: 'string' },
        site: { type: 'string' },
        prune: { type: 'boolean' },
        json: { type: 'boolean' },
        tls: { type: 'boolean' },
        concurrency: { type: 'string' },
        journal: { type: 'string' },
        out: { type: 'string' },
        backup: { type: 'boolean' },
        'keys-from': { type: 'string' },
        'key-ref-template': { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'allow-existing': { type: 'boolean' },
        tenant: { type: 'string' },
        'tenant-id': { type: 'string' },
        yes: { type: 'boolean' },
        'token-ref': { type: 'string' },
        'registry-token-ref': { type: 'string' },
        owner: { type: 'string' },
        wait: { type: 'string' },
        'state-dir': { type: 'string' },
        all: { type: 'boolean' },
      },
    });
    const sub = positionals[0];
    if (sub === 'journal') {
      if (!values.site && !values.chirpstack)
        throw new UsageError(
          'fieldops chirpstack journal: --site SITE_ID or --chirpstack HOST:PORT is required',
        );
      return journalCommand(values, await import('../../chirpstack/index.js'), io);
    }
    if (sub !== 'plan' && sub !== 'apply' && sub !== 'export' && sub !== 'sync' && sub !== 'restore')
      throw new UsageError('fieldops chirpstack: expected plan, apply, export, sync, restore or journal');
    if (sub === 'restore') {
      if (!values.to) throw new UsageError('fieldops chirpstack restore: --to HOST:PORT is required');
      values.chirpstack = values.to;
    }
    if (!values.chirpstack) throw new UsageError('fieldops chirpstack: --chirpstack HOST:PORT is required');
    // Loaded here, not at the top: protobuf and gRPC load only for this command.
    const cs = await import('../../chirpstack/index.js');
    const { createEnvProvider, createFileProvider, createSecretResolver } = await import(
      '../../secrets/index.js'
    );
    const resolver = createSecretResolver({
      providers: [createEnvProvider({ env: io.env }), createFileProvider({ baseDir: io.cwd })],
    });
    const resolveSecret = (ref: string) => resolver.resolve(ref);
    const tokenRef = String(values['token-ref'] ?? 'env:CHIRPSTACK_API_TOKEN');
    const client = cs.createChirpStackClient({
      target: values.chirpstack,
      apiToken: async () => (await resolver.resolve(tokenRef)).reveal(),
      tls: values.tls === true,
      ...(io.logger ? { logger: io.logger } : {}),
      readOnly: sub !== 'apply' && sub !== 'restore',
    });
    try {
      if (sub === 'export') return await exportCommand(values, cs, client, io);
      if (sub === 'restore') return await restoreCommand(values, cs, client, resolveSecret, io);
      if (sub === 'sync') return await syncCommand(values, cs, client, io);
      const desired = await loadDesired(values, io);
      // One apply per site: the lock is taken before the plan, so the plan is not stale when applied.
      const guard = sub === 'apply' ? await guardApply(values, cs, io) : undefined;
      try {
        return await planAndApply(sub, values, cs, client, desired, resolveSecret, io, guard);
      } finally {
        await guard?.close();
      }
    } finally {
      client.close();
    }
  },
};

async function planAndApply(
  sub: 'plan' | 'apply',
  values: Values,
  cs: typeof import('../../chirpstack/index.js'),
  client: ChirpStackClient,
  desired: Awaited<ReturnType<typeof loadDesired>>,
  resolveSecret: (ref: string) => Promise<{ reveal(): string }>,
  io: CliIo,
  guard: Awaited<ReturnType<typeof guardApply>> | undefined,
): Promise<number> {
  const journal = cs.createFileJournal(
    resolve(io.cwd, String(values.journal ?? '.fieldops/chirpstack-apply.journal')),
  );
  const planning = createProgressReporter(io, `chirpstack ${sub}: devices listed`);
  const plan = await cs.planReconcile(desired.state, client, {
    onProgress: (p) => planning.update(p.done, p.total),
    prune: values.prune === true,
    resolveSecret,
    journal,
    ...(values['tenant-id'] ? { tenantId: String(values['tenant-id']) } : {}),
  });
  planning.end();
  for (const p of plan.problems) io.stderr(`fieldops chirpstack: ${p.key}: ${p.message}\n`);
  if (sub === 'plan') {
    io.stdout(values.json ? `${JSON.stringify(plan.plan, null, 2)}\n` : cs.formatPlanTable(plan.plan));
    return EXIT.ok;
  }
  if (!values.json) io.stdout(cs.formatPlanTable(plan.plan));
  if (!(await confirmDeletes(plan.plan, values, io))) return EXIT.invalid;
  const concurrency = values.concurrency ? Number(values.concurrency) : 16;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError('fieldops chirpstack: --concurrency must be a positive integer');
  const recorder = await guard?.recorder({
    target: client.target,
    tenant: plan.plan.tenant,
    planned: plan.plan.changes.filter((c) => c.action !== 'unchanged').length,
  });
  const applying = createProgressReporter(io, 'chirpstack apply: steps done');
  const result = await cs.applyPlan(plan, client, {
    onProgress: (p) => applying.update(p.done, p.total),
    ...(io.logger ? { logger: io.logger } : {}),
    concurrency,
    resolveSecret,
    journal,
    ...(recorder ? { recorder } : {}),
    ...(guard ? { signal: guard.signal } : {}),
    ...(desired.registry ? { registry: desired.registry } : {}),
  });
  applying.end();
  await recorder?.end({ applied: result.applied, errors: result.errors.length });
  if (values.json) io.stdout(`${JSON.stringify({ plan: plan.plan, result }, null, 2)}\n`);
  else {
    io.stdout(
      `\nApplied ${result.applied}, unchanged ${result.unchanged}, written back ${result.written_back}, ` +
        `errors ${result.errors.length} (${result.duration_ms} ms).\n`,
    );
    for (const e of result.errors)
      io.stdout(`  ${e.entity} ${e.key} (${e.action}): ${e.code}: ${e.message}\n`);
  }
  return result.errors.length ? EXIT.invalid : EXIT.ok;
}

/** Prints what a prune deletes and asks for confirmation (`--yes`, or a yes at the terminal). */
async function confirmDeletes(
  plan: {
    changes: { action: string; entity: string; key: string; diff: { field: string; from?: unknown }[] }[];
  },
  values: Values,
  io: { stderr: (t: string) => void; confirm?: (q: string) => Promise<boolean> },
): Promise<boolean> {
  const deletes = plan.changes.filter((c) => c.action === 'delete');
  if (deletes.length === 0) return true;
  io.stderr(`fieldops chirpstack: --prune will delete ${deletes.length} entities:\n`);
  for (const d of deletes) {
    const cascade = d.diff.find((f) => f.field === 'cascade');
    io.stderr(`  - ${d.entity} ${d.key}${cascade ? ` (cascade: ${String(cascade.from)})` : ''}\n`);
  }
  if (values.yes === true) return true;
  if (!io.confirm)
    throw new UsageError(
      `fieldops chirpstack apply: --prune would delete ${deletes.length} entities; pass --yes to confirm (stdin is not a terminal). Nothing was applied.`,
    );
  if (await io.confirm(`Delete these ${deletes.length} entities?`)) return true;
  io.stderr('fieldops chirpstack: not confirmed; nothing was applied.\n');
  return false;
}

async function registryClient(values: Values, io: Pick<CliIo, 'env' | 'logger'>) {
  const { createRegistryClient } = await import('../../registry/index.js');
  const { createEnvProvider, createFileProvider, createSecretResolver } = await import(
    '../../secrets/index.js'
  );
  const explicit = values['registry-token-ref'];
  // The default ref is optional (a registry on the LAN may need no token); an explicit one must resolve.
  const tokenRef = explicit === undefined ? 'env:FIELDOPS_REGISTRY_TOKEN' : String(explicit);
  const useToken = explicit !== undefined || Boolean(io.env.FIELDOPS_REGISTRY_TOKEN);
  const resolver = createSecretResolver({
    providers: [createEnvProvider({ env: io.env }), createFileProvider()],
  });
  return createRegistryClient({
    baseUrl: String(values.registry),
    ...(io.logger ? { logger: io.logger } : {}),
    ...(useToken ? { token: async () => (await resolver.resolve(tokenRef)).reveal() } : {}),
  });
}

async function loadDesired(
  values: Values,
  io: { cwd: string; env: Readonly<Record<string, string | undefined>> },
) {
  if (!values.spec) throw new UsageError('fieldops chirpstack: --spec FILE is required');
  const raw = (await readDocument(resolve(io.cwd, String(values.spec)))) as Record<string, unknown>;
  const spec = ProvisioningSpec.parse({ devices: [], ...raw });
  const registryDevices: RegistryDevice[] = [];
  let registry: RegistryWriteBack | undefined;
  if (values.registry) {
    const client = await registryClient(values, io);
    for await (const d of client.listDevices(values.site ? { site_id: values.site as never } : {}))
      registryDevices.push(d);
    registry = client;
  }
  return {
    state: { ...spec, registry_devices: registryDevices },
    registry,
  };
}

async function exportCommand(
  values: Values,
  cs: typeof import('../../chirpstack/index.js'),
  client: ChirpStackClient,
  io: { cwd: string; stdout: (t: string) => void },
): Promise<number> {
  if (!values.site) throw new UsageError('fieldops chirpstack export: --site SITE_ID is required');
  const snapshot = values.backup
    ? await cs.exportSiteBackup(client, {
        siteId: String(values.site),
        keyRefs: await keyRefSource(values, cs, io),
      })
    : await cs.exportFleet(client, { siteId: String(values.site) });
  const text = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (values.out) {
    const path = resolve(io.cwd, String(values.out));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    io.stdout(`wrote ${path} (${snapshot.devices.length} devices, ${snapshot.gateways.length} gateways)\n`);
  } else io.stdout(text);
  return EXIT.ok;
}

async function syncCommand(
  values: Values,
  cs: typeof import('../../chirpstack/index.js'),
  client: ChirpStackClient,
  io: { cwd: string; env: Readonly<Record<string, string | undefined>>; stdout: (t: string) => void },
): Promise<number> {
  if (!values.registry || !values.tenant)
    throw new UsageError('fieldops chirpstack sync: --registry URL and --tenant NAME are required');
  const registry = await registryClient(values, io);
  const tenant = (await cs.collect(client.listTenants({ search: String(values.tenant) }))).find(
    (t) => t.name === values.tenant,
  );
  if (!tenant) throw new UsageError(`fieldops chirpstack sync: no tenant named ${String(values.tenant)}`);
  const records: RegistryDevice[] = [];
  for await (const d of registry.listDevices(values.site ? { site_id: values.site as never } : {}))
    records.push(d);
  const result = await cs.syncObservedState({ client, registry, tenantId: tenant.id, records });
  io.stdout(
    `Observed state: ${result.written} written, ${result.unchanged} unchanged, ${result.missing.length} not in ChirpStack, ` +
      `${result.errors.length} errors.\n`,
  );
  for (const id of result.missing) io.stdout(`  missing ${id}\n`);
  for (const e of result.errors) io.stdout(`  ${e.device_id}: ${e.code}: ${e.message}\n`);
  return result.errors.length ? EXIT.invalid : EXIT.ok;
}

/** The key references of `export --backup`: a spec's devices first, then the template. */
async function keyRefSource(
  values: Values,
  cs: typeof import('../../chirpstack/index.js'),
  io: { cwd: string },
): Promise<import('../../chirpstack/index.js').KeyRefSource | undefined> {
  const sources: import('../../chirpstack/index.js').KeyRefSource[] = [];
  if (values['keys-from']) {
    const raw = (await readDocument(resolve(io.cwd, String(values['keys-from'])))) as Record<string, unknown>;
    sources.push(cs.keyRefsFromSpec(ProvisioningSpec.parse({ devices: [], ...raw })));
  }
  if (values['key-ref-template']) {
    try {
      sources.push(cs.keyRefsFromTemplate(String(values['key-ref-template'])));
    } catch (error) {
      throw new UsageError(`fieldops chirpstack export: --key-ref-template: ${(error as Error).message}`);
    }
  }
  return sources.length ? cs.firstKeyRefs(...sources) : undefined;
}

async function restoreCommand(
  values: Values,
  cs: typeof import('../../chirpstack/index.js'),
  client: ChirpStackClient,
  resolveSecret: (ref: string) => Promise<{ reveal(): string }>,
  io: { cwd: string; stdout: (t: string) => void; stderr: (t: string) => void },
): Promise<number> {
  if (!values.site || !values.from)
    throw new UsageError('fieldops chirpstack restore: --site SITE_ID and --from FILE are required');
  const snapshot = FleetSnapshot.parse(await readDocument(resolve(io.cwd, String(values.from))));
  if (snapshot.site_id !== values.site)
    throw new UsageError(
      `fieldops chirpstack restore: ${String(values.from)} is the backup of ${snapshot.site_id}, not ${String(values.site)}`,
    );
  let result: Awaited<ReturnType<typeof cs.restoreSite>>;
  try {
    result = await cs.restoreSite(snapshot, client, {
      resolveSecret,
      ...(values.tenant ? { tenants: [String(values.tenant)] } : {}),
      ...(values['allow-existing'] ? { allowExisting: true } : {}),
    });
  } catch (error) {
    if (error instanceof cs.RestoreRefusedError) throw new UsageError(error.message);
    throw error;
  }
  for (const p of result.problems) io.stderr(`fieldops chirpstack restore: ${p.key}: ${p.message}\n`);
  if (values.json)
    io.stdout(
      `${JSON.stringify(
        result.tenants.map((t) => ({ ...t, plan_after: t.plan_after.plan })),
        null,
        2,
      )}\n`,
    );
  else
    for (const t of result.tenants) {
      io.stdout(
        `Restored tenant ${t.tenant} of ${snapshot.site_id} into ${client.target}: applied ${t.applied.applied}, ` +
          `errors ${t.applied.errors.length}, whole profiles ${t.profiles_written}.\n`,
      );
      io.stdout(`Plan after the restore: ${t.changes_after} changes.\n`);
      for (const e of t.applied.errors)
        io.stdout(`  ${e.entity} ${e.key} (${e.action}): ${e.code}: ${e.message}\n`);
    }
  const failed = result.tenants.some((t) => t.applied.errors.length > 0 || t.changes_after > 0);
  return failed || result.problems.length ? EXIT.invalid : EXIT.ok;
}
