import { parseArgs } from 'node:util';
import { migrate, type SqlDatabase } from '@fieldops/bus';
import { startFleetMirror } from './centre/handlers.js';
import { migrateFleet } from './centre/schema.js';
import { serveFleetApi } from './centre/serve.js';
import { createFleetStore } from './centre/store.js';

// `fieldops-fleet serve`: the centre as a process. It serves the read-only fleet view (fleet.v1) over
// its mirror and, with --nats, also applies the sites' sync batches from NATS JetStream into it.

const USAGE = `Usage: fieldops-fleet serve (--pglite DIR | --postgres-env NAME) [--host H] [--port P]
       [--token-env NAME] [--stale-after-s S] [--active-within-s S] [--nats URL]

  --pglite DIR          the mirror in an embedded PGlite database in DIR (no server to install)
  --postgres-env NAME   the mirror in PostgreSQL; NAME is the environment variable holding its URL
  --host, --port        where to listen (default 127.0.0.1:8790)
  --token-env NAME      require this bearer token (read from NAME; default FIELDOPS_FLEET_TOKEN if set)
  --stale-after-s S     a site with no batch for S seconds is stale (default 900)
  --active-within-s S   a device seen within S seconds is active (default 7200)
  --nats URL            also consume the sites' fleet sync from NATS JetStream into the mirror

Prints the URL it listens on as the first line of stdout; stops on SIGINT/SIGTERM.`;

const seconds = (raw: string | undefined, name: string, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new TypeError(
      `fieldops-fleet: --${name} must be a whole number of seconds ≥ 1, got ${JSON.stringify(raw)}`,
    );
  return n;
};

/** Runs `fieldops-fleet` with `argv` (without node and script); resolves with the exit code once stopped. */
export async function runFleetCli(
  argv: readonly string[],
  io: {
    stdout: (t: string) => void;
    stderr: (t: string) => void;
    env: Readonly<Record<string, string | undefined>>;
    /** Resolves when the process should stop (default: SIGINT or SIGTERM). */
    stopped?: Promise<void>;
  } = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env },
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        pglite: { type: 'string' },
        'postgres-env': { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'token-env': { type: 'string' },
        'stale-after-s': { type: 'string' },
        'active-within-s': { type: 'string' },
        nats: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const fail = (message: string) => {
    io.stderr(`${message}\n\n${USAGE}\n`);
    return 2;
  };
  if (positionals[0] !== 'serve' || positionals.length !== 1)
    return fail('fieldops-fleet: the command is `serve`');
  if (!values.pglite === !values['postgres-env'])
    return fail('fieldops-fleet serve: give one of --pglite DIR or --postgres-env NAME');
  let staleAfterS: number;
  let activeWithinS: number;
  let port: number;
  try {
    staleAfterS = seconds(values['stale-after-s'] as string | undefined, 'stale-after-s', 900);
    activeWithinS = seconds(values['active-within-s'] as string | undefined, 'active-within-s', 7200);
    port = values.port === undefined ? 8790 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new TypeError(`fieldops-fleet: --port ${JSON.stringify(values.port)} is not a port`);
  } catch (error) {
    return fail((error as Error).message);
  }
  const tokenEnv = (values['token-env'] as string | undefined) ?? 'FIELDOPS_FLEET_TOKEN';
  const token = io.env[tokenEnv] || undefined;
  if (values['token-env'] && !token)
    return fail(`fieldops-fleet serve: the environment variable ${tokenEnv} is empty`);

  let db: SqlDatabase;
  if (values['postgres-env']) {
    const url = io.env[values['postgres-env'] as string];
    if (!url)
      return fail(`fieldops-fleet serve: the environment variable ${values['postgres-env']} is empty`);
    const { createPgDatabase } = await import('@fieldops/bus/pg');
    db = await createPgDatabase({ connectionString: url });
  } else {
    const { createPgliteDatabase } = await import('@fieldops/bus/pglite');
    db = await createPgliteDatabase({ dataDir: values.pglite as string });
  }
  const stops: (() => Promise<void>)[] = [() => db.close()];
  try {
    await migrate(db);
    await migrateFleet(db);
    const store = createFleetStore({ db, staleAfterMs: staleAfterS * 1000 });
    if (values.nats) {
      const { createJetStreamBus } = await import('@fieldops/bus/nats');
      const bus = await createJetStreamBus({ servers: values.nats as string, name: 'fleet-centre' });
      stops.unshift(() => bus.close());
      const consumer = await startFleetMirror({ db, bus });
      stops.unshift(() => consumer.stop());
    }
    const served = await serveFleetApi({
      store,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      port,
      token,
      activeWithinMs: activeWithinS * 1000,
      onError: (error, op) =>
        io.stderr(`${JSON.stringify({ level: 'error', msg: 'fleet api error', op, err: String(error) })}\n`),
    });
    stops.unshift(() => served.close());
    io.stdout(`${served.url}\n`);
    io.stderr(
      `${JSON.stringify({ level: 'info', msg: 'fleet centre listening', url: served.url, store: db.dialect, consuming: Boolean(values.nats), auth: Boolean(token) })}\n`,
    );
    await (io.stopped ??
      new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }));
    return 0;
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}
