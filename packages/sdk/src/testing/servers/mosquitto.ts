import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Mosquitto broker started for a test on 127.0.0.1. */
export interface TestMosquitto {
  url: string;
  port: number;
  /** Everything the broker wrote to stdout and stderr so far. */
  output(): string;
  /** Stops the broker (by its pid) and removes its directory. */
  stop(): Promise<void>;
}

/** Options of {@link startMosquitto}. */
export interface StartMosquittoOptions {
  /**
   * The configuration to load, without listeners: a `listener <port> 127.0.0.1` line is added first.
   * Default: anonymous clients allowed (a plain test broker). `password_file` and
   * `persistence_location` lines are pointed at the broker's own temporary directory.
   */
  conf?: string;
  /** Username → password, written to a password file with the real `mosquitto_passwd`. */
  users?: Record<string, string>;
  /** Milliseconds to wait for the listener (default 10 s). */
  timeoutMs?: number;
}

/** True when the `mosquitto` binary is on PATH (tests skip without it, except under FIELDOPS_CI=1). */
export function hasMosquitto(): boolean {
  // `mosquitto -h` prints its usage and exits non-zero: only a spawn error means it is missing.
  return spawnSync('mosquitto', ['-h'], { stdio: 'ignore' }).error === undefined;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts the real `mosquitto` with a configuration file on a random 127.0.0.1 port. */
export async function startMosquitto(options: StartMosquittoOptions = {}): Promise<TestMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'fieldops-mosquitto-'));
  const port = await freePort();
  let conf = options.conf ?? 'allow_anonymous true\n';
  if (options.users) {
    const file = join(dir, 'passwd');
    for (const [i, [user, password]] of Object.entries(options.users).entries()) {
      execFileSync('mosquitto_passwd', ['-b', ...(i === 0 ? ['-c'] : []), file, user, password]);
    }
    conf = conf.replace(/^password_file .*$/m, `password_file ${file}`);
  }
  conf = conf.replace(/^persistence_location .*$/m, `persistence_location ${dir}/`);
  // Started as root, mosquitto drops to the `mosquitto` user before it reads the password file.
  if (process.getuid?.() === 0) {
    spawnSync('chown', ['-R', 'mosquitto', dir], { stdio: 'ignore' });
    await chmod(dir, 0o755);
  }
  const confFile = join(dir, 'mosquitto.conf');
  await writeFile(confFile, `listener ${port} 127.0.0.1\n${conf}`);
  const child: ChildProcess = spawn('mosquitto', ['-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c) => {
    out += c;
  });
  child.stderr?.on('data', (c) => {
    out += c;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`mosquitto exited ${child.exitCode} on start:\n${out}`);
    }
    if (await canConnect(port)) {
      return { url: `mqtt://127.0.0.1:${port}`, port, output: () => out, stop };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`mosquitto did not listen on ${port}:\n${out}`);
}

async function canConnect(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
