import type { SqlDatabase } from '@fieldops/bus';

/** Opens the centre's database: a `postgres://` URL, or a PGlite data directory. */
export async function openCentreDb(spec: string): Promise<SqlDatabase> {
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const { createPgDatabase } = await import('@fieldops/bus/pg');
    return createPgDatabase({ connectionString: spec, max: 2 });
  }
  const { createPgliteDatabase } = await import('@fieldops/bus/pglite');
  return createPgliteDatabase({ dataDir: spec });
}
