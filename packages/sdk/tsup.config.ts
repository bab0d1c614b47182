import { defineConfig } from 'tsup';

// One entry per area. `chirpstack` (and `testing/chirpstack`) are the only entries that load gRPC and
// protobuf code, through internal/peers.ts; `testing` the only one that loads msw.
export const ENTRIES = [
  'index',
  'registry/index',
  'rfid/index',
  'chirpstack/index',
  'automation/index',
  'secrets/index',
  'testing/index',
  'testing/chirpstack',
  'cli/api',
];

export default defineConfig([
  {
    entry: ENTRIES.map((e) => `src/${e}.ts`),
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    sourcemap: true,
    // Maps without the sources themselves (decision 0033): stack traces keep our file and line.
    esbuildOptions(options) {
      options.sourcesContent = false;
    },
    clean: true,
    target: 'node20',
    outDir: 'dist',
    // `import.meta.url` in the CommonJS build (createRequire of the optional peers).
    shims: true,
    external: [/^@chirpstack\/chirpstack-api/, 'google-protobuf', '@grpc/grpc-js', 'msw'],
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    esbuildOptions(options) {
      options.sourcesContent = false;
    },
    target: 'node20',
    outDir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
