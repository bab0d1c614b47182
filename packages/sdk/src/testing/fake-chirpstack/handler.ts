import { toTimestamp } from '../../chirpstack/convert.js';
import type { FakeApiKey } from './auth.js';
import type { FakeChirpStackState } from './store.js';

/** What every handler of the fake gets besides its request. */
export interface CallContext {
  /** The API key the call was authenticated with. */
  readonly key: FakeApiKey;
  /** The fake's clock at the time of the call. */
  readonly now: Date;
  readonly state: FakeChirpStackState;
}

// biome-ignore lint/suspicious/noExplicitAny: jspb requests arrive untyped from grpc-js
export type Req = any;
/** One RPC handler: returns the response message or throws a `FakeRpcError`. */
export type Handler = (request: Req, ctx: CallContext) => unknown;
/** The handlers of one service, by grpc-js method name. */
export type ServiceHandlers = Record<string, Handler>;

/** A Date as a protobuf Timestamp (undefined for null). */
export const ts = (d: Date | null) => (d ? toTimestamp(d) : undefined);
