// deploy-site: the skill's one job, in five steps, each reported as it goes.
import { readFile } from 'node:fs/promises';
import { parseContract } from '@fieldops/contracts';
import { ExecutionSpec } from '@fieldops/contracts/automation/v1';
import { createRegistryClient } from '@fieldops/sdk/registry';
import { createRfidClient } from '@fieldops/sdk/rfid';
import {
  createEnvProvider,
  createFileProvider,
  createOnePasswordConnectProvider,
  createSecretResolver,
  createVaultProvider,
  Secret,
  type SecretProvider,
} from '@fieldops/sdk/secrets';
import { openRunEventOutbox } from './event-outbox.ts';
import { executeSpec } from './execute.ts';
import type { DeploySiteOptions } from './options.ts';
import { createProgress } from './progress.ts';
import { reconcileChirpStack } from './reconcile.ts';
import { createSiteMap } from './site-map.ts';
import { describeHealth, onboardStations, sendCommissioningReads } from './stations.ts';

/** How a deploy ended. */
export interface DeploySiteResult {
  status: 'succeeded' | 'failed' | 'dry_run';
  automation_run_id?: string | undefined;
  bundle_dir?: string | undefined;
  ticket_id?: string | undefined;
}

/** The secret providers this environment offers (env always; Vault and 1Password when configured). */
function providers(env: NodeJS.ProcessEnv): SecretProvider[] {
  const list: SecretProvider[] = [createEnvProvider({ env }), createFileProvider()];
  if (env.VAULT_ADDR && env.VAULT_TOKEN)
    list.push(createVaultProvider({ address: env.VAULT_ADDR, token: new Secret(env.VAULT_TOKEN) }));
  if (env.OP_CONNECT_HOST && env.OP_CONNECT_TOKEN)
    list.push(
      createOnePasswordConnectProvider({ url: env.OP_CONNECT_HOST, token: new Secret(env.OP_CONNECT_TOKEN) }),
    );
  return list;
}

/** Deploys one site from its execution spec. */
export async function deploySite(
  options: DeploySiteOptions,
  io: { print?: (line: string) => void; env?: NodeJS.ProcessEnv; now?: () => Date } = {},
): Promise<DeploySiteResult> {
  const print = io.print ?? ((l: string) => console.log(l));
  const env = io.env ?? process.env;
  const now = io.now ?? (() => new Date());
  const progress = createProgress(5, print);
  const secrets = createSecretResolver({ providers: providers(env) });
  const token = (v: string | undefined) => (v ? new Secret(v) : undefined);
  const registry = createRegistryClient({
    baseUrl: options.registryUrl,
    token: token(options.registryToken),
  });
  // rfid.v2: v1 is deprecated since 2026-12-01 (sunset 2027-06-30).
  const rfid = createRfidClient({ baseUrl: options.rfidUrl, token: token(options.rfidToken), version: 2 });
  const site = createSiteMap(options.resolve);

  // 1. The spec: from a file, or the registry; validated against automation.v1.ExecutionSpec.
  let step = progress.step('load the execution spec');
  const spec = options.specPath
    ? parseContract(ExecutionSpec, JSON.parse(await readFile(options.specPath, 'utf8')))
    : await registry.getDeploymentSpec(options.deploymentId!);
  const t = spec.targets;
  step.end(
    'ok',
    `${spec.deployment_id} (${spec.project ?? 'no project'}): ${t.gateways.length} gateway, ${t.devices.length} sensors, ${t.stations.length} stations, ${spec.actions.length} actions`,
  );

  // 2. Registry -> ChirpStack.
  step = progress.step('reconcile ChirpStack from the registry');
  const rec = await reconcileChirpStack(spec, { registry, secrets, site, dryRun: options.dryRun });
  const p = rec.planned;
  step.note(
    `tenant ${rec.tenant} at ${rec.target}: plan ${p.create} create, ${p.update} update, ${p.unchanged} unchanged`,
  );
  for (const e of rec.errors) step.note(`error: ${e}`);
  step.end(
    rec.errors.length ? 'failed' : 'ok',
    options.dryRun
      ? 'dry run, nothing applied'
      : `${rec.applied} applied, ${rec.written_back} registry records written back`,
  );
  if (rec.errors.length) return { status: 'failed' };

  // 3. Registry -> RFID backend, then commissioning reads from each station.
  if (options.dryRun) {
    progress.step('claim and map the RFID stations').end('skipped', 'dry run');
    progress.step('ingest commissioning reads').end('skipped', 'dry run');
  } else {
    step = progress.step('claim and map the RFID stations');
    const stations = await onboardStations(spec, { rfid, registry, secrets, now });
    for (const s of stations) step.note(`${s.device_id} → ${s.station_id} on line ${s.line_id}`);
    step.end('ok', `${stations.length} stations claimed and mapped, station ids recorded in the registry`);

    step = progress.step('ingest commissioning reads');
    const sent = await sendCommissioningReads(stations, options.rfidUrl, options.commissioningReads, now);
    // The health is the station's to report (the commissioning batches carry none): read what it said.
    for (const s of stations)
      step.note(`${s.station_id}: ${describeHealth((await rfid.stationStatus(s.station_id)).health)}`);
    step.end('ok', `${sent.accepted} events accepted, ${sent.duplicates} duplicates`);
  }

  // 4. The spec's actions through the runner.
  step = progress.step('execute the spec (provision, deploy, configure gateway, health checks)');
  const eventOutbox = options.notifyUrl
    ? await openRunEventOutbox({
        dir: options.outboxDir,
        notifyUrl: options.notifyUrl,
        notifyToken: options.notifyToken,
        warn: (w) => step.note(`warning: ${w}`),
      })
    : undefined;
  const events = eventOutbox?.sink;
  let result: Awaited<ReturnType<typeof executeSpec>>;
  try {
    result = await executeSpec(spec, {
      options,
      registry,
      rfid,
      secrets,
      site,
      events,
      print: (line) => step.note(line),
      onLog: (level, msg) => {
        if (
          !/^step \S+ (succeeded|failed|skipped|cancelled|attempt \d+ failed)/.test(msg) &&
          level !== 'error'
        )
          return;
        // The runner logs the spec's backoff; say when --max-backoff-ms shortens it.
        const cap = options.maxBackoffMs;
        step.note(
          cap === undefined
            ? msg
            : msg.replace(/retrying in (\d+) ms/, (m, ms: string) =>
                Number(ms) > cap ? `retrying in ${cap} ms (capped)` : m,
              ),
        );
      },
    });
  } catch (error) {
    // The relay must not keep the process alive; undelivered events wait in the outbox.
    await eventOutbox?.close(2_000);
    throw error;
  }
  if (eventOutbox) {
    // Up to 15 s for notify to take the run events; what it has not taken stays in the outbox.
    const o = await eventOutbox.close(15_000);
    step.note(
      `run events: ${o.appended} through the outbox (${options.outboxDir}), ${
        o.pending === 0 ? 'all delivered to notify' : `${o.pending} pending, delivered on the next run`
      }${o.rejected ? `, ${o.rejected} rejected by notify` : ''}`,
    );
  }
  if (options.dryRun) {
    step.end('ok', 'dry run');
    return { status: 'dry_run' };
  }
  const rec2 = result.record;
  if (result.bundleDir) step.note(`run bundle: ${result.bundleDir}`);
  if (rec2.ticket_id) step.note(`ticket opened: ${rec2.ticket_id}`);
  if (result.bundle?.postmortem) step.note('postmortem written: postmortem.md');
  step.end(result.status === 'succeeded' ? 'ok' : 'failed', `run ${rec2.automation_run_id} ${result.status}`);
  return {
    status: result.status === 'succeeded' ? 'succeeded' : 'failed',
    automation_run_id: rec2.automation_run_id,
    bundle_dir: result.bundleDir,
    ticket_id: rec2.ticket_id,
  };
}
