import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only NDJSON file. Every line goes to the kernel with one `write` before `append` returns,
 * so a crash of the process leaves every line written so far, each one whole.
 */
export class NdjsonFile {
  readonly #fd: number;
  readonly #fsync: boolean;
  #lines = 0;
  #bytes = 0;
  #closed = false;

  constructor(path: string, options: { fsync?: boolean } = {}) {
    this.#fd = openSync(path, 'a', 0o644);
    this.#fsync = options.fsync ?? false;
  }

  /** Writes one JSON line. */
  append(value: unknown): number {
    if (this.#closed) return 0;
    const buf = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.#fd, buf, off);
    if (this.#fsync) fsyncSync(this.#fd);
    this.#lines += 1;
    this.#bytes += buf.length;
    return buf.length;
  }

  /** Lines written. */
  get lines(): number {
    return this.#lines;
  }

  /** Bytes written. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
  }
}
