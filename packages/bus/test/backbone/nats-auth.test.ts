// createJetStreamBus against a real nats-server that requires authentication, one server per mode
// (https://docs.nats.io/running-a-nats-service/configuration/securing_nats/auth_intro): the right
// credentials publish through JetStream; wrong ones fail with a BusConnectError that names the mode
// and the server's reason but no credential, instead of hanging or crashing.
import { nkeys } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusConnectError } from '../../src/errors.js';
import { createJetStreamBus, type NatsAuth } from '../../src/nats.js';
import { missingServer, type NatsAuthOption, type RestartableServer, startNats } from '../../src/testing.js';

const user = nkeys.createUser();
const stranger = nkeys.createUser();
const seed = new TextDecoder().decode(user.getSeed());
const strangerSeed = new TextDecoder().decode(stranger.getSeed());

const modes: { name: string; server: NatsAuthOption; right: NatsAuth; wrong: NatsAuth; secrets: string[] }[] =
  [
    {
      name: 'user and password',
      server: { user: 'site-agent', password: 'nats-pw-91c2e0f4a7' },
      right: { user: 'site-agent', pass: 'nats-pw-91c2e0f4a7' },
      wrong: { user: 'site-agent', pass: 'wrong-pw-3b8d1c' },
      secrets: ['nats-pw-91c2e0f4a7', 'wrong-pw-3b8d1c'],
    },
    {
      name: 'token',
      server: { token: 'tok-5e0a9c1d77f2' },
      right: { token: 'tok-5e0a9c1d77f2' },
      wrong: { token: 'tok-wrong-0d2b61' },
      secrets: ['tok-5e0a9c1d77f2', 'tok-wrong-0d2b61'],
    },
    {
      name: 'nkey',
      server: { nkey: user.getPublicKey() },
      right: { nkeySeed: seed },
      wrong: { nkeySeed: strangerSeed },
      secrets: [seed, strangerSeed],
    },
  ];

describe.skipIf(missingServer('nats'))(
  'createJetStreamBus with NATS authentication (real nats-server)',
  () => {
    for (const mode of modes) {
      describe(mode.name, () => {
        let nats: RestartableServer;
        beforeAll(async () => {
          nats = await startNats({ auth: mode.server });
        }, 60_000);
        afterAll(async () => {
          await nats?.stop();
        });

        it('publishes through JetStream with the right credentials', async () => {
          const bus = await createJetStreamBus({ servers: nats.url, auth: mode.right, name: 'auth-test' });
          try {
            const [outcome] = await bus.publisher.publishBatch([
              {
                subject: 'fieldops.test.auth.v1',
                id: `/t ${mode.name}`,
                data: new Uint8Array([1]),
                headers: {},
              },
            ]);
            expect(outcome).toEqual({ ok: true, duplicate: false });
          } finally {
            await bus.close();
          }
        }, 60_000);

        it('fails with a BusConnectError naming the reason and no credential, with wrong or missing ones', async () => {
          for (const auth of [mode.wrong, undefined]) {
            const error = await createJetStreamBus({
              servers: nats.url,
              ...(auth ? { auth } : {}),
              name: 'auth-test',
            }).then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(error).toBeInstanceOf(BusConnectError);
            const message = (error as Error).message;
            expect(message).toMatch(
              /^@fieldops\/bus\/nats: cannot connect to nats:\/\/127\.0\.0\.1:\d+ with /,
            );
            expect(message).toMatch(/authorization|authentication/i);
            for (const secret of mode.secrets) expect(message).not.toContain(secret);
            expect(JSON.stringify(error)).not.toMatch(new RegExp(mode.secrets.join('|')));
          }
        }, 120_000);
      });
    }

    it('a server started without auth still takes anonymous clients (startNats stays compatible)', async () => {
      const nats = await startNats();
      try {
        const bus = await createJetStreamBus({ servers: nats.url });
        await bus.close();
      } finally {
        await nats.stop();
      }
    }, 60_000);
  },
);
