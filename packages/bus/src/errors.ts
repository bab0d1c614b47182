/** The one base class of every @fieldops/bus error: a stable `code` and the underlying `cause`. */
export class BusError extends Error {
  override readonly name: string = 'BusError';
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message.startsWith('@fieldops/bus') ? message : `@fieldops/bus: ${message}`, options);
    this.code = code;
  }
}

/** An optional peer dependency (pg, @electric-sql/pglite, nats, mqtt) is not installed. */
export class BusMissingPeerError extends BusError {
  override readonly name = 'BusMissingPeerError';
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
  override readonly name = 'BusSubjectError';
  constructor(message: string) {
    super('invalid_subject', message);
  }
}

/** Options given to a bus factory are unusable. */
export class BusConfigError extends BusError {
  override readonly name = 'BusConfigError';
  constructor(message: string) {
    super('invalid_config', message);
  }
}
