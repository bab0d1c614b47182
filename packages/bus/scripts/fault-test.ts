// The fault test of issue 13: N events appended while the relay is SIGKILLed 3 times, nats-server is
// restarted twice and the consumer is SIGKILLed twice; the consumer's store must hold N unique events,
// none lost, none applied twice. Usage: pnpm --filter @fieldops/bus fault-test [--events 100000]
import { runFaultTest } from './fault/run.js';

const arg = process.argv.indexOf('--events');
const events = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const report = await runFaultTest({ events, log: (line) => console.log(line) });
console.log(JSON.stringify(report));
process.exit(report.lost === 0 && report.appliedTwice === 0 ? 0 : 1);
