// Runs the OpenClaw example skill the way OpenClaw would: its script in a child process, with the
// endpoints and tokens in the environment, its progress lines relayed as they come.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './kb-site.js';

/** The skill's script. */
export const SKILL_SCRIPT = join(REPO, 'examples/openclaw-skill/scripts/deploy-site.ts');

/** What a skill run printed and returned. */
export interface SkillRun {
  code: number;
  output: string[];
  result: { status: string; automation_run_id?: string; bundle_dir?: string; ticket_id?: string } | undefined;
}

/**
 * The Node.js that runs the skill: FIELDOPS_SKILL_NODE when set (CI points it at Node 24, what
 * OpenClaw runs on), else this process's own.
 */
export const SKILL_NODE = process.env.FIELDOPS_SKILL_NODE || process.execPath;

/** Runs `deploy-site` with `args`; `onLine` gets each output line. */
export function runSkill(
  args: string[],
  env: Record<string, string>,
  onLine: (line: string) => void,
): Promise<SkillRun> {
  return new Promise((ok, fail) => {
    const child = spawn(SKILL_NODE, ['--import', 'tsx', SKILL_SCRIPT, ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    let result: SkillRun['result'];
    const lines = (stream: NodeJS.ReadableStream) => {
      let rest = '';
      stream.on('data', (d) => {
        rest += d;
        const parts = rest.split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          output.push(line);
          if (line.startsWith('result ')) result = JSON.parse(line.slice('result '.length));
          else onLine(line);
        }
      });
    };
    lines(child.stdout);
    lines(child.stderr);
    child.on('error', fail);
    child.on('close', (code) => ok({ code: code ?? 1, output, result }));
  });
}
