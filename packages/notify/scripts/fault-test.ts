// `pnpm --filter @fieldops/notify fault-test [--incidents 10000] [--out <dir>]`: the issue-14 fault test at
// full size (--out keeps each notify process's whole output there).
import { runFaultTest } from './fault/run.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const report = await runFaultTest({
  incidents: arg('incidents', 10_000),
  kills: arg('kills', 5),
  delayMs: arg('delay-ms', 20_000),
  leaseMs: arg('lease-ms', 5_000),
  spreadMs: arg('spread-ms', 60_000),
  rate: arg('rate', 1_000),
  ...(process.argv.includes('--out') ? { outputDir: process.argv[process.argv.indexOf('--out') + 1] } : {}),
  log: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(report.missing === 0 && report.duplicates === 0 ? 0 : 1);
