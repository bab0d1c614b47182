import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/pg.ts', 'src/pglite.ts', 'src/nats.ts', 'src/mqtt.ts', 'src/testing.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  outDir: 'dist',
  // Heavy clients are optional peers: never bundled, loaded only by the entry that needs them.
  external: ['pg', '@electric-sql/pglite', '@nats-io/jetstream', '@nats-io/transport-node', 'mqtt'],
});
