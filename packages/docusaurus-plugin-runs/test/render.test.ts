import { describe, expect, it } from 'vitest';
import { buildHunks, diffLines, parseAnsi, xterm256 } from '../src/index.js';

const ESC = '\u001b';

describe('parseAnsi', () => {
  it('splits SGR colours into segments and resets', () => {
    expect(parseAnsi(`${ESC}[1;31mFAIL${ESC}[0m done ${ESC}[92mok${ESC}[39m.`)).toEqual([
      { text: 'FAIL', bold: true, fg: 'red' },
      { text: ' done ' },
      { text: 'ok', fg: 'bright-green' },
      { text: '.' },
    ]);
  });

  it('maps 256-colour and true-colour codes to #rrggbb', () => {
    expect(parseAnsi(`${ESC}[38;5;208mA${ESC}[48;2;1;2;255mB`)).toEqual([
      { text: 'A', fg: '#ff8700' },
      { text: 'B', fg: '#ff8700', bg: '#0102ff' },
    ]);
    expect(xterm256(9)).toBe('bright-red');
    expect(xterm256(232)).toBe('#080808');
  });

  it('drops OSC 8 hyperlinks (keeping their text), so a log cannot smuggle a link in', () => {
    const link = `${ESC}]8;;javascript:alert(1)${ESC}\\click${ESC}]8;;${ESC}\\ here`;
    expect(parseAnsi(link)).toEqual([{ text: 'click here' }]);
  });

  it('drops cursor moves, OSC sequences and control characters, keeps markup as text', () => {
    expect(parseAnsi(`${ESC}[2K${ESC}]0;title\u0007<b>x</b>\u0008`)).toEqual([{ text: '<b>x</b>' }]);
  });
});

describe('diffLines', () => {
  it('finds the lines added and removed', () => {
    const lines = diffLines(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'e']);
    expect(lines.map((l) => `${l.op[0]}${l.text}`)).toEqual(['ea', 'rb', 'ec', 'ed', 'ae']);
    expect(lines[1]).toEqual({ op: 'remove', text: 'b', a: 2 });
    expect(lines[4]).toEqual({ op: 'add', text: 'e', b: 4 });
  });

  it('handles empty sides', () => {
    expect(diffLines([], ['x']).map((l) => l.op)).toEqual(['add']);
    expect(diffLines(['x'], []).map((l) => l.op)).toEqual(['remove']);
    expect(diffLines([], [])).toEqual([]);
  });

  it('groups changes into hunks with context', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = a.map((l, i) => (i === 2 || i === 15 ? `${l}!` : l));
    const hunks = buildHunks(diffLines(a, b), 1);
    expect(hunks).toHaveLength(2);
    expect(hunks[0]!.lines.map((l) => `${l.op[0]}${l.text}`)).toEqual(['el1', 'rl2', 'al2!', 'el3']);
  });
});

describe('diffLines at its bounds', () => {
  it('reports texts that differ beyond MAX_EDIT_DISTANCE as a whole replacement', () => {
    const a = Array.from({ length: 1500 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 1500 }, (_, i) => `b${i}`);
    const lines = diffLines(a, b);
    expect(lines.map((l) => l.op)).toEqual([...a.map(() => 'remove'), ...b.map(() => 'add')]);
    expect(lines[1500]).toEqual({ op: 'add', text: 'b0', b: 1 });
  }, 60_000); // a bounded but large diff: seconds on a loaded machine

  it('numbers both sides across a replacement in the middle', () => {
    expect(diffLines(['k', 'x', 'z'], ['k', 'y', 'z'])).toEqual([
      { op: 'equal', text: 'k', a: 1, b: 1 },
      { op: 'remove', text: 'x', a: 2 },
      { op: 'add', text: 'y', b: 2 },
      { op: 'equal', text: 'z', a: 3, b: 3 },
    ]);
  });
});
