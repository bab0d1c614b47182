import { parse } from 'dotenv';

// `KEY=` at the start of a line (with optional `export`), and the rest of the line.
const ASSIGNMENT = /^([ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*)(.*)$/;

/**
 * Parses dotenv syntax with the `dotenv` package: `KEY=value`, `export KEY=value`, `#` comments, single
 * quotes (literal), double quotes (may span lines), trailing ` # comment` removed. Later keys win. No
 * `${VAR}` expansion: a secret file should say what it means. Two rules are kept from our earlier
 * parser (decision 0016): an unquoted value ends at ` #`, not at any `#` (a password or a URL fragment
 * keeps its `#`), and double quotes also unescape `\"`, `\\` and `\t`.
 */
export function parseDotenv(text: string): Map<string, string> {
  const doubleQuoted = new Set<string>();
  const src = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const m = ASSIGNMENT.exec(line);
      if (!m) return line;
      const [, head, key, rest] = m as unknown as [string, string, string, string];
      if (rest.startsWith('"')) doubleQuoted.add(key);
      if (/^["'`]/.test(rest)) return line;
      const value = rest.replace(/[ \t]+#.*$/, '').trim();
      if (!value.includes('#')) return line;
      // dotenv would end the value at this '#': quote it so it stays.
      const quote = ["'", '`', '"'].find((q) => !value.includes(q));
      return quote ? `${head}${quote}${value}${quote}` : line;
    })
    .join('\n');
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(parse(src))) {
    out.set(
      key,
      doubleQuoted.has(key) ? value.replace(/\\([\\"t])/g, (_, c) => (c === 't' ? '\t' : c)) : value,
    );
  }
  return out;
}
