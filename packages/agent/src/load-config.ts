import { AgentConfig } from './config.js';

/** Validates a parsed site.yaml; the error names the file, the contract and each failing field path. */
export function loadConfig(input: unknown, file = 'site.yaml'): AgentConfig {
  const r = AgentConfig.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
  throw new Error(`@fieldops/agent: ${file} is not a valid fieldops-agent config v1:\n${issues}`);
}
