// `fieldops-notify --config notify.yaml [--check]`: the notify process. Exit codes: 0 stopped cleanly
// (or `--check` found the file valid), 1 the configuration is invalid or a secret is missing,
// 2 usage, 3 the process failed at run time.
import { parseArgs } from 'node:util';
import type { Logger } from '@fieldops/core';
import { pino } from 'pino';
import { NotifyError } from '../errors.js';
import { loadConfigFile } from './config-file.js';
import { startNotifyService } from './service.js';

const USAGE = `usage: fieldops-notify --config notify.yaml [--check]

  --config FILE   the configuration (YAML or JSON, contract notify.v1.ConfigFile)
  --check         validate the configuration and exit (0 valid, 1 invalid); nothing is opened or sent
  --help          this text`;

/** The structured logger of the process: pino JSON lines on stdout, secrets redacted by field name. */
export function createServiceLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'fieldops-notify' },
    redact: {
      paths: [
        'token',
        'authorization',
        'password',
        'pass',
        'secret',
        '*.token',
        '*.authorization',
        '*.password',
      ],
      censor: '[redacted]',
    },
  });
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code once stopped. */
export async function runNotifyCli(argv: readonly string[]): Promise<number> {
  let values: { config?: string; check?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        check: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`fieldops-notify: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.config) {
    process.stderr.write(`fieldops-notify: --config is required\n${USAGE}\n`);
    return 2;
  }
  let file: Awaited<ReturnType<typeof loadConfigFile>>;
  try {
    file = await loadConfigFile(values.config);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  if (values.check) {
    process.stdout.write(`fieldops-notify: ${file.path}: valid (notify.v1.ConfigFile)\n`);
    return 0;
  }
  const logger = createServiceLogger(file.service.log_level ?? 'info');
  let service: Awaited<ReturnType<typeof startNotifyService>>;
  try {
    service = await startNotifyService({
      file,
      logger,
      // Another replica holds the engine lease now; exit so the supervisor restarts this one as a standby.
      onLeaseLost: () => process.exit(3),
    });
  } catch (err) {
    const config = err instanceof NotifyError && err.code === 'config_invalid';
    logger.error({ component: 'notify.service', err: (err as Error).message }, 'notify failed to start');
    if (config) process.stderr.write(`${(err as Error).message}\n`);
    return config ? 1 : 3;
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ component: 'notify.service', signal }, 'signal received');
      service.close().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ component: 'notify.service', err: (err as Error).message }, 'stop failed');
          resolve(3);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
