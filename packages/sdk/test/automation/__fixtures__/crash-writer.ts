// Writes log lines through a RunRecorder, then dies by SIGKILL in the middle of the run.
import { createRunRecorder } from '../../../src/automation/index.js';

const [kbRoot, lines] = process.argv.slice(2);
const recorder = createRunRecorder({ kbRoot: kbRoot!, project: 'crash-test', date: '2026-11-27', runId: 'run_crash0001' });
for (let i = 0; i < Number(lines); i++) {
  recorder.log({ level: 'info', msg: `line ${i}`, step_id: 'deploy', fields: { i } });
}
process.stdout.write('written\n');
process.kill(process.pid, 'SIGKILL');
