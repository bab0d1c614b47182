import { defineConfig } from 'tsup';

// One entry per area. `chirpstack` is the only entry that loads protobuf code and `testing` the only
// one that loads msw, so the root entry stays light.
export const ENTRIES = [
  'index',
  'registry/index',
  'rfid/index',
  'chirpstack/index',
  'automation/index',
  'secrets/index',
  'testing/index',
];

export default defineConfig([
  {
    entry: ENTRIES.map((e) => `src/${e}.ts`),
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    outDir: 'dist',
    external: [/^@chirpstack\/chirpstack-api/, 'google-protobuf', '@grpc/grpc-js', 'msw'],
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
    outDir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
