import { type ChildProcess, execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary, freePort, startChild, stopChild, waitForPort } from './process.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A server started for a test: where it listens and how to stop (and, for some, restart) it. */
export interface TestServer {
  readonly port: number;
  /** `postgres://…`, `nats://…` or `mqtt://…`. */
  readonly url: string;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

/** A server that can be killed and started again on the same port and data (for fault tests). */
export interface RestartableServer extends TestServer {
  /**
   * Stops the process (SIGTERM, or SIGKILL when `hard`) keeping its data, then starts it again after
   * `downMs` and, when given, once `until` has settled (a test decides when the outage ends).
   */
  restart(options?: RestartOptions): Promise<void>;
  /** The current process id. */
  pid(): number | undefined;
}

/** Options of {@link RestartableServer.restart}. */
export interface RestartOptions {
  /** SIGKILL instead of SIGTERM. */
  hard?: boolean;
  /** Stay down at least this long, ms. */
  downMs?: number;
  /** Stay down until this settles (resolved or rejected). */
  until?: Promise<unknown>;
}

/** Stops `child`, waits as the options say, then relaunches; returns the new child. */
async function relaunch(
  child: ChildProcess,
  launch: () => Promise<ChildProcess>,
  options: RestartOptions,
): Promise<ChildProcess> {
  // A graceful stop gets 30 s: nats-server writes its JetStream consumers' state on the way out, and a
  // SIGKILL after 5 s at load 30 lost a durable consumer's acks (it redelivered a whole step).
  await stopChild(child, options.hard ? 'SIGKILL' : 'SIGTERM', options.hard ? 5_000 : 30_000);
  if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
  if (options.until) await options.until.catch(() => {});
  return await launch();
}

/** Starts `bin args` and waits until it listens on `port`; a server that does not is killed, its output in the error. */
async function launchOnPort(name: string, bin: string, args: string[], port: number): Promise<ChildProcess> {
  const started = startChild(bin, args);
  try {
    await waitForPort(port, 30_000, started.child);
  } catch (error) {
    await stopChild(started.child, 'SIGKILL');
    throw new Error(`${name} did not start: ${(error as Error).message}\n${started.output()}`);
  }
  return started.child;
}

/** A server on `port` whose `launch` starts it again on the same port and data; `stop` deletes `dir`. */
function restartable(
  first: ChildProcess,
  launch: () => Promise<ChildProcess>,
  at: { port: number; url: string; dir: string },
): RestartableServer {
  let child = first;
  return {
    port: at.port,
    url: at.url,
    pid: () => child.pid,
    async restart(options = {}) {
      child = await relaunch(child, launch, options);
    },
    async stop() {
      await stopChild(child);
      rmSync(at.dir, { recursive: true, force: true });
    },
  };
}

/** Which server binaries this machine has. */
export function serverBinaries(): { postgres?: string; nats?: string; mosquitto?: string } {
  const postgres = findBinary('postgres', [`${PG_BIN}/postgres`]);
  const nats = findBinary('nats-server');
  const mosquitto = findBinary('mosquitto', ['/usr/sbin/mosquitto']);
  return {
    ...(postgres ? { postgres } : {}),
    ...(nats ? { nats } : {}),
    ...(mosquitto ? { mosquitto } : {}),
  };
}

/**
 * Why a server test cannot run here, or undefined when it can. Under FIELDOPS_CI=1 a missing binary is
 * an error (CI installs them in .ci/steps/16-servers.sh) instead of a reason to skip.
 */
export function missingServer(...needed: ('postgres' | 'nats' | 'mosquitto')[]): string | undefined {
  const have = serverBinaries();
  const missing = needed.filter((n) => !have[n]);
  if (missing.length === 0) return undefined;
  const reason = `server binaries not installed: ${missing.join(', ')} (Debian: postgresql, nats-server, mosquitto)`;
  if (process.env.FIELDOPS_CI === '1') throw new Error(`${reason}; FIELDOPS_CI=1 requires them`);
  return reason;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function runAsPostgres(bin: string, args: string[]): [string, string[]] {
  // PostgreSQL refuses to run as root: drop to the `postgres` user when we are root.
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

/** A {@link startPostgres} server: also its process id (the root of the postmaster's process tree). */
export interface PostgresServer extends TestServer {
  /** The process started for it (the postmaster, or `runuser` above it when run as root). */
  pid(): number | undefined;
}

/** Starts PostgreSQL 15 (trust auth, user `postgres`, fsync off) on a random port with a fresh data dir. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = serverBinaries().postgres;
  if (!bin) throw new Error('postgres binary not found');
  const binDir = bin.slice(0, bin.lastIndexOf('/'));
  const dir = mkdtempSync(join(tmpdir(), 'fieldops-pg-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chownSync(data, uid, gid);
  }
  chmodSync(data, 0o700);
  const [initCmd, initArgs] = runAsPostgres(`${binDir}/initdb`, [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = runAsPostgres(`${binDir}/postgres`, [
    '-D',
    data,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ]);
  const { child, output } = startChild(cmd, args);
  try {
    await waitForPort(port, 30_000, child);
    await waitForPostgresReady(`${binDir}/pg_isready`, port, 30_000);
  } catch (error) {
    await stopChild(child, 'SIGKILL');
    throw new Error(`postgres did not start: ${(error as Error).message}\n${output()}`);
  }
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: () => child.pid,
    async stop() {
      await stopChild(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A listening postmaster may still be "starting up": pg_isready says when it accepts queries.
async function waitForPostgresReady(pgIsReady: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      execFile(pgIsReady, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'], (error) =>
        resolve(!error),
      );
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`postgres on ${port} not ready within ${timeoutMs} ms`);
}

/** Who may connect to a {@link startNats} server (the server's `authorization` block). */
export type NatsAuthOption =
  | { readonly user: string; readonly password: string }
  | { readonly token: string }
  /** An NKey user: the public key (`U…`); the client signs the server's nonce with the seed. */
  | { readonly nkey: string };

/** Options of {@link startNats}. */
export interface NatsOptions {
  /** Require this authentication (default: anonymous clients). */
  readonly auth?: NatsAuthOption;
}

// https://docs.nats.io/running-a-nats-service/configuration/securing_nats/auth_intro
//   (username_password, tokens, nkeys): one `authorization` block per mode.
function natsAuthorization(auth: NatsAuthOption): string {
  const q = (v: string) => JSON.stringify(v);
  if ('user' in auth) return `authorization { user: ${q(auth.user)}, password: ${q(auth.password)} }\n`;
  if ('token' in auth) return `authorization { token: ${q(auth.token)} }\n`;
  return `authorization { users: [ { nkey: ${q(auth.nkey)} } ] }\n`;
}

/** Starts `nats-server -js` (file store in a fresh dir) on a random port; restartable on the same port and store. */
export async function startNats(options: NatsOptions = {}): Promise<RestartableServer> {
  const bin = serverBinaries().nats;
  if (!bin) throw new Error('nats-server binary not found');
  const dir = mkdtempSync(join(tmpdir(), 'fieldops-nats-'));
  const port = await freePort();
  const args = ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir];
  if (options.auth) {
    // The authorization block goes in a config file (mode 600): never on the command line, where `ps` shows it.
    const conf = join(dir, 'auth.conf');
    writeFileSync(conf, natsAuthorization(options.auth), { mode: 0o600 });
    args.push('-c', conf);
  }
  const launch = () => launchOnPort('nats-server', bin, args, port);
  return restartable(await launch(), launch, { port, url: `nats://127.0.0.1:${port}`, dir });
}

/** Options of {@link startMosquitto}. */
export interface MosquittoOptions {
  /**
   * Configuration lines to load instead of the default (anonymous clients, persistence on), without a
   * listener: `listener <port> 127.0.0.1` is added first. Its `password_file` and
   * `persistence_location` lines are pointed at the broker's own temporary directory.
   */
  conf?: string;
  /** Username → password, written to the password file with the real `mosquitto_passwd`. */
  users?: Record<string, string>;
}

/** Starts Mosquitto 2 (anonymous, persistence on, or `options.conf`) on a random port; restartable on the same port and store. */
export async function startMosquitto(options: MosquittoOptions = {}): Promise<RestartableServer> {
  const bin = serverBinaries().mosquitto;
  if (!bin) throw new Error('mosquitto binary not found');
  const dir = mkdtempSync(join(tmpdir(), 'fieldops-mqtt-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  let body = options.conf ?? ['allow_anonymous true', 'persistence true', 'max_queued_messages 0'].join('\n');
  if (options.users) {
    const file = join(dir, 'passwd');
    for (const [i, [user, password]] of Object.entries(options.users).entries()) {
      execFileSync(findBinary('mosquitto_passwd', ['/usr/bin/mosquitto_passwd']) ?? 'mosquitto_passwd', [
        '-b',
        ...(i === 0 ? ['-c'] : []),
        file,
        user,
        password,
      ]);
    }
    chmodSync(file, 0o644);
    body = body.replace(/^password_file .*$/m, `password_file ${file}`);
  }
  body = body.replace(/^persistence_location .*$/m, '');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      body,
      `persistence_location ${dir}/`,
      // As root, mosquitto would drop to the `mosquitto` user, which cannot read a root-owned temp dir.
      ...(isRoot() && !/^user /m.test(body) ? ['user root'] : []),
      '',
    ].join('\n'),
  );
  const launch = () => launchOnPort('mosquitto', bin, ['-c', conf], port);
  return restartable(await launch(), launch, { port, url: `mqtt://127.0.0.1:${port}`, dir });
}
