/**
 * Parses dotenv syntax: `KEY=value`, `export KEY=value`, `#` comments, single quotes (literal),
 * double quotes (with `\n`, `\r`, `\t`, `\"`, `\\` escapes, may span lines), unquoted values with
 * trailing ` # comment` removed and surrounding spaces trimmed. Later keys win. No `${VAR}` expansion:
 * a secret file should say what it means.
 */
export function parseDotenv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const src = text.replace(/\r\n?/g, '\n');
  const line = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/gm;
  let m: RegExpExecArray | null = line.exec(src);
  while (m !== null) {
    const key = m[1]!;
    let i = line.lastIndex;
    let value: string;
    const quote = src[i];
    if (quote === '"' || quote === "'" || quote === '`') {
      let j = i + 1;
      let raw = '';
      while (j < src.length && src[j] !== quote) {
        if (quote === '"' && src[j] === '\\' && j + 1 < src.length) {
          const next = src[j + 1]!;
          raw += next === 'n' ? '\n' : next === 'r' ? '\r' : next === 't' ? '\t' : next;
          j += 2;
          continue;
        }
        raw += src[j];
        j += 1;
      }
      value = raw;
      i = j + 1;
      const eol = src.indexOf('\n', i);
      i = eol === -1 ? src.length : eol;
    } else {
      const eol = src.indexOf('\n', i);
      const end = eol === -1 ? src.length : eol;
      value = src
        .slice(i, end)
        .replace(/[ \t]+#.*$/, '')
        .trim();
      i = end;
    }
    out.set(key, value);
    line.lastIndex = i;
    m = line.exec(src);
  }
  return out;
}
