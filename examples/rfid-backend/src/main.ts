// `tsx src/main.ts --data-dir ./data [--port 8080] [--host 127.0.0.1] [--claim-code CODE]...`
// Operator token from RFID_API_TOKEN (optional). Prints `listening <url>` when ready.
import { parseArgs } from 'node:util';
import { startRfidBackend } from './server.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: './data' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    'claim-code': { type: 'string', multiple: true, default: [] },
  },
});
const token = process.env.RFID_API_TOKEN;
const service = await startRfidBackend({
  dataDir: values['data-dir'],
  host: values.host,
  port: Number(values.port),
  claimCodes: values['claim-code'],
  apiTokens: token ? [token] : [],
});
if (!token)
  console.error(
    'no RFID_API_TOKEN: the service is open to anonymous callers (bench use only, not a site LAN)',
  );
console.log(`listening ${service.url}`);
const stop = async () => {
  await service.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
