import { Buffer } from 'node:buffer';
import type { Match, MsgHdrs } from '@nats-io/transport-node';

const LINE_BREAK = /[\r\n]/;
// RFC 822 field-name: printable ASCII (33–126) except ':'.
const FIELD_NAME = /^[!-9;-~]+$/;
// Names already checked (a publisher sends the same few over and over).
const goodNames = new Set<string>();

/** Why `pairs` cannot be NATS headers (a bad name, or a value holding CR/LF), or undefined when they can. */
export function invalidHeader(pairs: readonly (readonly [string, string])[]): string | undefined {
  for (const [k, v] of pairs) {
    if (!goodNames.has(k)) {
      if (!FIELD_NAME.test(k)) return `invalid header name ${JSON.stringify(k)}`;
      if (goodNames.size < 1_000) goodNames.add(k);
    }
    if (LINE_BREAK.test(v)) return `header ${k} holds a line break`;
  }
  return undefined;
}

/**
 * Message headers encoded once, in the wire form nats-core's own `headers()` produces
 * (`NATS/1.0\r\nKey: value\r\n…\r\n\r\n`, names as given, values trimmed), for the publish hot path:
 * `MsgHdrsImpl.append` canonicalises and searches the keys on every call, and its `encode()` builds the
 * string again; the pipelined publisher makes one of these per message instead. Read-only: `set`,
 * `append` and `delete` throw. A repeated name is written where it occurs (nats-core groups it under its
 * first occurrence; both read back the same). Check the pairs with {@link invalidHeader} first.
 */
export class WireHeaders implements MsgHdrs {
  hasError = false;
  status = '';
  code = 0;
  description = '';
  readonly #pairs: readonly (readonly [string, string])[];
  readonly #text: string;
  #bytes: Uint8Array | undefined;

  /** Headers holding `pairs` (values trimmed in place) in this order; a name may repeat. */
  constructor(pairs: [string, string][]) {
    let text = 'NATS/1.0';
    for (const pair of pairs) {
      pair[1] = pair[1].trim();
      text += `\r\n${pair[0]}: ${pair[1]}`;
    }
    this.#pairs = pairs;
    this.#text = `${text}\r\n\r\n`;
  }

  /** The wire bytes (what nats-core's publish sends after the HPUB line). */
  encode(): Uint8Array {
    // Buffer.from takes small strings from Node's shared pool: no ArrayBuffer per message as with TextEncoder.
    this.#bytes ??= Buffer.from(this.#text, 'utf8');
    return this.#bytes;
  }

  /** The wire text. */
  toString(): string {
    return this.#text;
  }

  /** Pairs whose name matches `k`: exactly (the default), or ignoring case (`canonical`, `insensitive`). */
  #matching(k: string, match?: Match): (readonly [string, string])[] {
    if (match === undefined || match === 'exact') return this.#pairs.filter(([n]) => n === k);
    const lower = k.toLowerCase();
    return this.#pairs.filter(([n]) => n.toLowerCase() === lower);
  }

  /** The first value of `k`, or ''. */
  get(k: string, match?: Match): string {
    return this.#matching(k, match)[0]?.[1] ?? '';
  }

  /** The last value of `k`, or ''. */
  last(k: string, match?: Match): string {
    return this.#matching(k, match).at(-1)?.[1] ?? '';
  }

  /** Whether `k` is present. */
  has(k: string, match?: Match): boolean {
    return this.#matching(k, match).length > 0;
  }

  /** Every value of `k`. */
  values(k: string, match?: Match): string[] {
    return this.#matching(k, match).map(([, v]) => v);
  }

  /** The distinct names, in first-seen order. */
  keys(): string[] {
    return [...new Set(this.#pairs.map(([k]) => k))];
  }

  /** Read-only: throws. */
  set(): void {
    throw new TypeError('WireHeaders are read-only');
  }

  /** Read-only: throws. */
  append(): void {
    throw new TypeError('WireHeaders are read-only');
  }

  /** Read-only: throws. */
  delete(): void {
    throw new TypeError('WireHeaders are read-only');
  }

  /** Name → values, in first-seen order. */
  *[Symbol.iterator](): Iterator<[string, string[]]> {
    for (const k of this.keys()) yield [k, this.values(k)];
  }
}
