// A standby replica in its own process (spawned by test/store/lease-under-load.test.ts): it polls for
// the engine lease on the Postgres store every 50 ms, as a standby engine does, and prints `acquired`
// and exits the moment it gets it. Arguments: <connection string> <owner> <ttl ms>.
import { ENGINE_LEASE } from '../../src/engine/lease.js';
import { createPgNotifyStore } from '../../src/pg.js';

const [url, owner, ttl] = process.argv.slice(2);
const store = await createPgNotifyStore({ connectionString: url!, max: 1 });
process.stdout.write('polling\n');
for (;;) {
  const fence = await store.leases!.acquire(ENGINE_LEASE, owner!, Number(ttl));
  if (fence) {
    process.stdout.write(`acquired ${JSON.stringify(fence)}\n`);
    await store.close?.();
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 50));
}
