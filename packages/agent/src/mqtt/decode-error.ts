/** A message that does not decode as the ChirpStack v4 integration or gateway message it should be. */
export class DecodeError extends Error {
  /** The message type (`UplinkEvent`, `ConnState`, …). */
  readonly messageType: string;
  /** The field path that failed, or '' for the whole message. */
  readonly path: string;

  constructor(messageType: string, path: string, problem: string, cause?: unknown) {
    super(
      `@fieldops/agent/mqtt: chirpstack v4 ${messageType}${path ? ` at ${path}` : ''}: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'DecodeError';
    this.messageType = messageType;
    this.path = path;
  }
}
