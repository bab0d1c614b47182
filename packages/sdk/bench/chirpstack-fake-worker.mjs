// Runs the fake ChirpStack in a worker thread for the benchmark, so the server's CPU is not the
// client's (a real ChirpStack is another process). Plain JS over the built package (`pnpm bench`
// builds first) because worker threads do not go through tsx. Answers `counts`, `reset`, `stop`.
import { parentPort, workerData } from 'node:worker_threads';
import { startFakeChirpStack } from '../dist/testing/chirpstack.js';

const fake = await startFakeChirpStack({ latencyMs: workerData.latencyMs });
parentPort.on('message', async (msg) => {
  if (msg.op === 'counts') parentPort.postMessage({ id: msg.id, counts: fake.rpcCounts() });
  else if (msg.op === 'reset') {
    fake.resetCounters();
    parentPort.postMessage({ id: msg.id });
  } else {
    await fake.stop();
    parentPort.postMessage({ id: msg.id });
  }
});
parentPort.postMessage({ ready: true, target: fake.target, apiToken: fake.apiToken });
