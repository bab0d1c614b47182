// What the backup/restore tests share (backup-restore, integrations): two fake ChirpStack 4.19 servers
// on loopback gRPC, a site to export and an empty one to restore into, each with a typed client.
import { type ChirpStackClient, createChirpStackClient } from '../../src/chirpstack/index.js';
import { type FakeChirpStack, startFakeChirpStack } from '../../src/testing/chirpstack.js';

/** A typed client of the fake `f`, retrying fast (the fakes answer at once). */
export const clientOf = (f: FakeChirpStack): ChirpStackClient =>
  createChirpStackClient({
    target: f.target,
    apiToken: f.apiToken,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });

/** A site's fake ChirpStack, an empty one, and a client of each. */
export interface SiteAndEmpty {
  site: FakeChirpStack;
  empty: FakeChirpStack;
  siteClient: ChirpStackClient;
  emptyClient: ChirpStackClient;
  /** Closes both clients and stops both fakes. */
  stop(): Promise<void>;
}

/** Starts the two fakes and their clients. */
export async function startSiteAndEmpty(): Promise<SiteAndEmpty> {
  const site = await startFakeChirpStack();
  const empty = await startFakeChirpStack();
  const siteClient = clientOf(site);
  const emptyClient = clientOf(empty);
  return {
    site,
    empty,
    siteClient,
    emptyClient,
    stop: async () => {
      siteClient.close();
      emptyClient.close();
      await site.stop();
      await empty.stop();
    },
  };
}
