// The examples' READMEs, the repository README and the website's docs must not rot: every TypeScript snippet is type-checked
// against the built packages (as if it sat in examples/contract-tests, which depends on the SDK,
// contracts and msw), and every shell snippet may only name scripts, files and CLI commands that exist.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../../..');
const DOCS = [
  ...readdirSync(join(REPO, 'examples'))
    .map((d) => join('examples', d, 'README.md'))
    .filter((p) => existsSync(join(REPO, p))),
  'examples/openclaw-skill/SKILL.md',
  // The repository README and the website's hand-written docs (not the generated contract pages).
  'README.md',
  // Package READMEs whose packages the snippet host resolves (examples/contract-tests depends on them).
  'packages/contracts/README.md',
  'packages/sdk/README.md',
  ...readdirSync(join(REPO, 'website/docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md') && !f.startsWith('contracts'))
    .map((f) => join('website/docs', f)),
];

function blocks(file: string, langs: string[]): { code: string; line: number }[] {
  const text = readFileSync(join(REPO, file), 'utf8');
  const out: { code: string; line: number }[] = [];
  const re = /^```(\w+)\n([\s\S]*?)^```/gm;
  for (const m of text.matchAll(re)) {
    if (langs.includes(m[1]!)) out.push({ code: m[2]!, line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

// Names a snippet may leave to the reader (your backend, your event…): "cannot find name" only.
const ALLOWED = new Set([2304, 2552]);

function typecheck(snippets: { name: string; code: string }[]): string[] {
  const base = join(REPO, 'examples/contract-tests/.snippets');
  const files = new Map(snippets.map((s, i) => [join(base, `snippet-${i}.ts`), s]));
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(REPO, 'node_modules/@types')],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.readFile = (f) => files.get(f)?.code ?? readFile(f);
  host.getSourceFile = (f, v, ...rest) => {
    const s = files.get(f);
    // `export {}` makes each snippet a module (top-level await, no global collisions).
    return s ? ts.createSourceFile(f, `${s.code}\nexport {};\n`, v) : getSourceFile(f, v, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName) && !ALLOWED.has(d.code))
    .map((d) => {
      const s = files.get(d.file!.fileName)!;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${s.name} (+${line}): TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('docs snippets', () => {
  it('finds the documents', () => {
    expect(DOCS).toContain('examples/demo/README.md');
    expect(DOCS).toContain('website/docs/guides/demo.md');
  });

  it('every TypeScript snippet type-checks against the packages', () => {
    const snippets = DOCS.flatMap((file) =>
      blocks(file, ['ts', 'typescript']).map((b) => ({ name: `${file}:${b.line}`, code: b.code })),
    );
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    expect(typecheck(snippets)).toEqual([]);
  });

  it('the snippet check catches an API that does not exist', () => {
    const errors = typecheck([
      { name: 'broken', code: "import { createRfidHandlr } from '@fieldops/sdk/rfid';\ncreateRfidHandlr();" },
    ]);
    expect(errors.join('\n')).toMatch(/TS2724|TS2305/);
  });

  it('every shell snippet names scripts, files and CLI commands that exist', () => {
    // Root scripts, and the examples' own (a snippet may `cd` into one).
    const scripts = new Set<string>();
    for (const dir of ['.', ...readdirSync(join(REPO, 'examples')).map((d) => `examples/${d}`)]) {
      const file = join(REPO, dir, 'package.json');
      if (existsSync(file))
        for (const k of Object.keys(JSON.parse(readFileSync(file, 'utf8')).scripts ?? {})) scripts.add(k);
    }
    const commands = readdirSync(join(REPO, 'packages/sdk/src/cli/commands')).map((f) =>
      f.replace(/\.ts$/, ''),
    );
    const problems: string[] = [];
    for (const file of DOCS) {
      for (const b of blocks(file, ['sh', 'bash'])) {
        const code = b.code.replace(/\\\n/g, ' ');
        for (const m of code.matchAll(/\bpnpm (?!install|build|exec|add|--filter)([a-z][\w:-]*)/g)) {
          if (!scripts.has(m[1]!)) problems.push(`${file}:${b.line}: no script "${m[1]}"`);
        }
        for (const m of code.matchAll(/\bpnpm fieldops ([a-z-]+)/g)) {
          if (!commands.includes(m[1]!)) problems.push(`${file}:${b.line}: no fieldops command "${m[1]}"`);
        }
        for (const m of code.matchAll(/\b(?:tsx|--import tsx) ((?:examples|scripts)\/[\w./-]+\.ts)/g)) {
          if (!existsSync(join(REPO, m[1]!))) problems.push(`${file}:${b.line}: no file ${m[1]}`);
        }
        for (const m of code.matchAll(/\{baseDir\}\/([\w./-]+)/g)) {
          if (!existsSync(join(REPO, 'examples/openclaw-skill', m[1]!)))
            problems.push(`${file}:${b.line}: no file ${m[1]} in the skill`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
