import { FieldopsError } from '@fieldops/core';

/** The base class of every @fieldops/bus error (a FieldopsError): a stable `code` and the `cause`. */
export class BusError extends FieldopsError {
  override name = 'BusError';

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message.startsWith('@fieldops/bus') ? message : `@fieldops/bus: ${message}`, options ?? {});
  }
}

/** An optional peer dependency (pg, @electric-sql/pglite, nats, mqtt) is not installed. */
export class BusMissingPeerError extends BusError {
  override name = 'BusMissingPeerError';
  /** The npm package to install. */
  readonly packageName: string;

  constructor(packageName: string, entry: string, cause?: unknown) {
    super(
      'missing_peer',
      `${entry} needs the package "${packageName}", which is not installed: run \`npm install ${packageName}\``,
      { cause },
    );
    this.packageName = packageName;
  }
}

/** An event type cannot be mapped to a subject or topic (wrong shape, wildcard characters). */
export class BusSubjectError extends BusError {
  override name = 'BusSubjectError';
  constructor(message: string) {
    super('invalid_subject', message);
  }
}

/** Options given to a bus factory are unusable. */
export class BusConfigError extends BusError {
  override name = 'BusConfigError';
  constructor(message: string) {
    super('invalid_config', message);
  }
}

/** A transport could not connect (wrong credentials, refused); the message names no credential. */
export class BusConnectError extends BusError {
  override name = 'BusConnectError';
  constructor(message: string) {
    super('connect_failed', message);
  }
}
