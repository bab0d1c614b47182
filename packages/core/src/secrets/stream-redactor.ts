/** What a stream redactor needs from the {@link Redactor}. */
interface RedactorLike {
  readonly longestNeedle: number;
  redactString(text: string): string;
  safeCut(text: string, cut: number): number;
}

/** Redacts a stream given in chunks: a secret split across two writes is still caught. */
export interface StreamRedactor {
  /** Takes the next chunk; returns the redacted text that can be released now (maybe empty). */
  push(chunk: string): string;
  /** Releases what is held back, redacted; the stream is over. */
  end(): string;
}

/**
 * A stream redactor over `redactor`. It redacts the assembled stream, not each chunk: the last
 * `longest secret - 1` characters are held back until the next chunk shows whether a secret
 * starts there, and a cut never falls inside a secret.
 */
export function createStreamRedactor(redactor: RedactorLike): StreamRedactor {
  let pending = '';
  return {
    push(chunk) {
      const text = pending + chunk;
      const hold = Math.max(0, redactor.longestNeedle - 1);
      const cut = redactor.safeCut(text, text.length - hold);
      pending = text.slice(cut);
      return cut > 0 ? redactor.redactString(text.slice(0, cut)) : '';
    },
    end() {
      const rest = pending;
      pending = '';
      return redactor.redactString(rest);
    },
  };
}
