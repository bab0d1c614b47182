import { createConfig, lint } from '@redocly/openapi-core';

/** Lints OpenAPI files with Redocly's recommended rules; returns one line per error (warnings ignored). */
export async function validateOpenApiFiles(paths: readonly string[]): Promise<string[]> {
  const config = await createConfig({
    extends: ['recommended'],
    rules: { 'info-license-url': 'off' },
  } as never);
  const problems: string[] = [];
  for (const ref of paths) {
    const results = await lint({ ref, config });
    for (const r of results) {
      if (r.severity !== 'error') continue;
      const where = r.location?.[0]?.pointer ?? '';
      problems.push(`${ref}: ${r.ruleId}: ${r.message} ${where}`);
    }
  }
  return problems;
}
