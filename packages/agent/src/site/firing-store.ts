import type { BusEvent, Outbox, SqlDatabase } from '@fieldops/bus';

const SCHEMA = 'fieldops_agent';
const OFFLINE = 'io.fieldops.chirpstack.gateway.offline.v1';
const ONLINE = 'io.fieldops.chirpstack.gateway.online.v1';

/** What the agent's monitors reported firing and have not resolved, kept in the outbox database. */
export interface FiringStore {
  /** What the previous run left firing (`createHealthMonitor({ restoreFiring })`). */
  load(): Promise<{ gatewaysOffline: string[] }>;
  /** Appends a monitor event to the outbox and updates the firing set in the same transaction. */
  append(event: BusEvent): Promise<void>;
}

/**
 * Keeps the ChirpStack monitor's open gateway-offline assertions next to the outbox: an offline event
 * and its row commit together, an online event deletes the row in the same transaction. After a
 * restart the monitor starts from that set, so a gateway that came back while the agent was down still
 * gets its resolve (decision 0025).
 */
export async function createFiringStore(db: SqlDatabase, outbox: Outbox): Promise<FiringStore> {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${SCHEMA}.firing (
       kind text NOT NULL, key text NOT NULL, since timestamptz NOT NULL DEFAULT now(),
       PRIMARY KEY (kind, key))`,
  );
  return {
    async load() {
      const { rows } = (await db.query(
        `SELECT key FROM ${SCHEMA}.firing WHERE kind = 'gateway_offline' ORDER BY key`,
      )) as { rows: { key: string }[] };
      return { gatewaysOffline: rows.map((r) => r.key) };
    },
    async append(event) {
      const eui = (event.data as { gateway_eui?: string } | undefined)?.gateway_eui;
      if (!eui || (event.type !== OFFLINE && event.type !== ONLINE)) {
        await outbox.append(event);
        return;
      }
      await db.transaction(async (tx) => {
        await outbox.append(event, { tx });
        if (event.type === OFFLINE)
          await tx.query(
            `INSERT INTO ${SCHEMA}.firing (kind, key) VALUES ('gateway_offline', $1) ON CONFLICT DO NOTHING`,
            [eui],
          );
        else
          await tx.query(`DELETE FROM ${SCHEMA}.firing WHERE kind = 'gateway_offline' AND key = $1`, [eui]);
      });
    },
  };
}
