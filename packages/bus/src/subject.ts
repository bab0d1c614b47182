import { BusSubjectError } from './errors.js';

/** First token of every event subject (NATS) and topic (MQTT). */
export const SUBJECT_PREFIX = 'fieldops';
/** First token of dead-letter subjects: `fieldops-dlq.<consumer>`, outside the events' namespace. */
export const DEAD_LETTER_PREFIX = 'fieldops-dlq';

const FIELDOPS_TYPE_PREFIX = 'io.fieldops.';
// Lower-case tokens of letters, digits, `_` and `-`, dot-separated, ending in `.v<N>`. Nothing here can
// be a NATS wildcard (`*`, `>`), an MQTT wildcard (`+`, `#`), a `/` or white space.
const TYPE_SHAPE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.v([1-9][0-9]*)$/;
const TOKEN = /^[a-z0-9_-]+$/;

/** An event type split into its base name and its version: `io.fieldops.x.y.v2` → base `io.fieldops.x.y`, 2. */
export interface ParsedEventType {
  readonly base: string;
  readonly version: number;
}

/** Splits an event type into base and version; throws BusSubjectError naming the type when it has no `.vN`. */
export function parseEventType(type: string): ParsedEventType {
  const match = TYPE_SHAPE.exec(type);
  if (!match) {
    throw new BusSubjectError(
      `event type "${type}" cannot be routed: expected lower-case dot-separated tokens ending in .v<N> (e.g. io.fieldops.automation.run.failed.v1)`,
    );
  }
  return { base: type.slice(0, type.lastIndexOf('.')), version: Number(match[2]) };
}

/** The subject tokens of a base type: fieldops types drop `io.fieldops.`, others go under `ext`. */
function baseTokens(base: string): string[] {
  if (base.startsWith(FIELDOPS_TYPE_PREFIX))
    return [SUBJECT_PREFIX, ...base.slice(FIELDOPS_TYPE_PREFIX.length).split('.')];
  return [SUBJECT_PREFIX, 'ext', ...base.split('.')];
}

/**
 * The NATS subject of an event type: `io.fieldops.automation.run.failed.v1` →
 * `fieldops.automation.run.failed.v1`; a foreign type `com.acme.x.v1` → `fieldops.ext.com.acme.x.v1`.
 */
export function subjectForType(type: string): string {
  const { base, version } = parseEventType(type);
  return [...baseTokens(base), `v${version}`].join('.');
}

/** The NATS filter matching every version of a base type: `fieldops.automation.run.failed.*`. */
export function subjectFilterForBase(base: string): string {
  parseEventType(`${base}.v1`);
  return [...baseTokens(base), '*'].join('.');
}

/** The dead-letter subject of a consumer: `fieldops-dlq.<consumer>`. */
export function deadLetterSubject(consumer: string): string {
  if (!TOKEN.test(consumer)) {
    throw new BusSubjectError(`consumer name "${consumer}" must be one token of [a-z0-9_-]`);
  }
  return `${DEAD_LETTER_PREFIX}.${consumer}`;
}

/** The MQTT topic of a NATS subject or filter: `.` → `/`, `*` → `+`, `>` → `#`. */
export function mqttTopicForSubject(subject: string): string {
  return subject
    .split('.')
    .map((t) => (t === '*' ? '+' : t === '>' ? '#' : t))
    .join('/');
}

/** The NATS subject of an MQTT topic (inverse of mqttTopicForSubject for concrete topics). */
export function subjectForMqttTopic(topic: string): string {
  return topic.split('/').join('.');
}

/** Whether a concrete subject matches a NATS filter (`*` = one token, `>` = one or more trailing tokens). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const token = f[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return f.length === s.length;
}
