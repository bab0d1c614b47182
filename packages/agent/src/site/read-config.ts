import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { AgentConfig } from '../config.js';
import { loadConfig } from '../load-config.js';

/**
 * Reads and validates a site.yaml. A YAML error names the file, line and column; a schema error the
 * contract (`fieldops-agent config v1`) and each failing field path; neither repeats a value.
 */
export function readConfigFile(path: string): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `@fieldops/agent: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const lineCounter = new LineCounter();
  // prettyErrors off: its messages quote the source line, which may hold a secret.
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {
    prettyErrors: false,
    uniqueKeys: true,
    lineCounter,
  });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const at = lineCounter.linePos(e.pos[0]);
      return `  line ${at.line}, column ${at.col}: ${e.code} (${e.message.split('\n')[0]})`;
    });
    throw new Error(`@fieldops/agent: ${path} is not valid YAML:\n${lines.join('\n')}`);
  }
  return loadConfig(doc.toJS(), path);
}
