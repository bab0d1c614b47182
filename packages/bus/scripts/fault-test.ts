// The fault test of issue 13: N events appended while the relay is SIGKILLed 3 times, nats-server is
// restarted twice and the consumer is SIGKILLed twice; the consumer's store must hold N unique events,
// none lost, none applied twice. Usage: pnpm --filter @fieldops/bus fault-test [--events 100000]
// [--published-rows keep|delete] (the relays' publishedRows).
import { runFaultTest } from './fault/run.js';

const arg = process.argv.indexOf('--events');
const events = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const rowsArg = process.argv.indexOf('--published-rows');
const publishedRows = rowsArg > 0 && process.argv[rowsArg + 1] === 'delete' ? 'delete' : 'keep';
const report = await runFaultTest({ events, publishedRows, log: (line) => console.log(line) });
console.log(JSON.stringify(report));
process.exit(report.lost === 0 && report.appliedTwice === 0 ? 0 : 1);
