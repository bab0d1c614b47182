import type { AnsiSegment } from '../types.js';

// SGR colour codes 30–37 / 90–97 (and 40–47 / 100–107 for backgrounds) map to palette names the
// theme styles with CSS classes; 256-colour and true-colour codes become `#rrggbb`. Anything else
// the terminal would interpret (cursor moves, OSC titles, hyperlinks) is dropped, never rendered.
const PALETTE = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

/** Palette names a segment's `fg`/`bg` may carry (besides `#rrggbb`). */
export const ANSI_PALETTE: readonly string[] = [...PALETTE, ...PALETTE.map((c) => `bright-${c}`)];

// CSI ... final byte, OSC ... BEL/ST, and lone two-byte escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters
const ESCAPE = /\u001b\[([0-9;:?]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
// Other C0 controls (but tab) are not text either.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

interface Style {
  fg?: string;
  bg?: string;
  bold?: true;
  dim?: true;
  italic?: true;
  underline?: true;
}

const hex = (n: number) => Math.max(0, Math.min(255, n)).toString(16).padStart(2, '0');

/** The colour of xterm's 256-colour index `n` (0–15 as palette names). */
export function xterm256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 8) return PALETTE[n];
  if (n < 16) return `bright-${PALETTE[n - 8]}`;
  if (n < 232) {
    const i = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `#${hex(level(Math.floor(i / 36)))}${hex(level(Math.floor(i / 6) % 6))}${hex(level(i % 6))}`;
  }
  const g = 8 + (n - 232) * 10;
  return `#${hex(g)}${hex(g)}${hex(g)}`;
}

function applySgr(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let s: Style = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number;
    if (c === 0) s = {};
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) {
      delete s.bold;
      delete s.dim;
    } else if (c === 23) delete s.italic;
    else if (c === 24) delete s.underline;
    else if (c >= 30 && c <= 37) s.fg = PALETTE[c - 30];
    else if (c >= 90 && c <= 97) s.fg = `bright-${PALETTE[c - 90]}`;
    else if (c === 39) delete s.fg;
    else if (c >= 40 && c <= 47) s.bg = PALETTE[c - 40];
    else if (c >= 100 && c <= 107) s.bg = `bright-${PALETTE[c - 100]}`;
    else if (c === 49) delete s.bg;
    else if (c === 38 || c === 48) {
      const key = c === 38 ? 'fg' : 'bg';
      let colour: string | undefined;
      if (codes[i + 1] === 5) {
        colour = xterm256(codes[i + 2] ?? -1);
        i += 2;
      } else if (codes[i + 1] === 2) {
        const [r, g, b] = [codes[i + 2], codes[i + 3], codes[i + 4]];
        if ([r, g, b].every((v) => typeof v === 'number' && Number.isInteger(v))) {
          colour = `#${hex(r as number)}${hex(g as number)}${hex(b as number)}`;
        }
        i += 4;
      }
      if (colour) s[key] = colour;
    }
  }
  return s;
}

function push(out: AnsiSegment[], text: string, style: Style): void {
  const clean = text.replace(CONTROL, '');
  if (clean === '') return;
  const last = out[out.length - 1];
  if (
    last &&
    last.fg === style.fg &&
    last.bg === style.bg &&
    last.bold === style.bold &&
    last.dim === style.dim &&
    last.italic === style.italic &&
    last.underline === style.underline
  ) {
    last.text += clean;
    return;
  }
  out.push({ text: clean, ...style });
}

/**
 * Splits a line with ANSI escapes into styled segments of plain text. The text is never HTML:
 * the theme renders it as React text nodes, so `<script>` stays visible characters.
 */
export function parseAnsi(input: string): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  let style: Style = {};
  let last = 0;
  for (const m of input.matchAll(ESCAPE)) {
    push(out, input.slice(last, m.index), style);
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
    last = m.index + m[0].length;
  }
  push(out, input.slice(last), style);
  return out;
}
