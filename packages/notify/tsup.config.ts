import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'service/index': 'src/service/index.ts',
    pg: 'src/pg.ts',
    pglite: 'src/pglite.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  outDir: 'dist',
});
