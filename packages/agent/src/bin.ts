#!/usr/bin/env node
// fieldops-agent --config site.yaml [--check]: one process per site (see README).
import { parseArgs } from 'node:util';
import { createSecretResolverFromEnv } from '@fieldops/sdk/secrets';
import { pino } from 'pino';
import { readConfigFile } from './site/read-config.js';
import { resolveAgentSecrets } from './site/resolve-secrets.js';
import { startSiteAgent } from './site/site-agent.js';

const USAGE = `usage: fieldops-agent --config site.yaml [--check]
  --config, -c  the site's configuration (default ./site.yaml)
  --check       validate site.yaml and resolve its secrets, then exit (0 valid, 1 not)
environment: LOG_LEVEL (default info); SecretRefs env:/file:/vault:/op:// as in @fieldops/sdk/secrets`;

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  const OPTIONS = {
    config: { type: 'string', short: 'c', default: 'site.yaml' },
    check: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  } as const;
  try {
    args = parseArgs({ options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    process.stderr.write(`fieldops-agent: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = args.config;
  if (args.check) {
    try {
      const config = readConfigFile(file);
      await resolveAgentSecrets(config, createSecretResolverFromEnv(), file);
      process.stdout.write(
        `${file}: valid fieldops-agent config v1 (site ${config.site_id}; outbox ${config.outbox.data_dir}; central ${config.central.nats ? [config.central.nats].flat().join(',') : config.central.http ? new URL(config.central.http.url).origin : 'none'})\n`,
      );
      return 0;
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
  }

  const logger = pino({
    name: 'fieldops-agent',
    level: process.env.LOG_LEVEL ?? 'info',
    // Defence in depth: no code path logs a secret, and these keys are censored if one ever did.
    redact: {
      paths: ['password', 'token', 'api_token', 'authorization', '*.password', '*.token', '*.api_token'],
      censor: '[redacted]',
    },
  });
  let site: Awaited<ReturnType<typeof startSiteAgent>>;
  try {
    const config = readConfigFile(file);
    site = await startSiteAgent(config, { logger });
  } catch (error) {
    logger.fatal({ operation: 'agent.start', err: (error as Error).message }, 'fieldops-agent did not start');
    return 1;
  }
  return await new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ operation: 'agent.stop', signal }, 'stopping');
      const force = setTimeout(() => {
        logger.error({ operation: 'agent.stop' }, 'graceful stop took over 30 s; exiting');
        resolve(1);
      }, 30_000);
      force.unref();
      site.stop().then(
        () => {
          clearTimeout(force);
          resolve(0);
        },
        (error) => {
          logger.error({ operation: 'agent.stop', err: String(error) }, 'stop failed');
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`fieldops-agent: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  },
);
