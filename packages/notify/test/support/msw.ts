import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** The msw server for third-party HTTP APIs; unmatched requests fail the test. */
export const server = setupServer();

/** Starts msw around the tests of one file. */
export function useMsw(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
}

/** The Cloud API messages URL used in tests. */
export const WA_URL = 'https://graph.facebook.com/v21.0/1234567890/messages';
