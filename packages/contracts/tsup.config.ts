import { defineConfig } from 'tsup';

const POINTS = [
  'ids',
  'registry',
  'chirpstack',
  'fleet',
  'rfid',
  'automation',
  'kb',
  'events',
  'notify',
  'ports',
  'regions',
  'secrets',
  'cockpit',
];

// Points that have a second version beside the first.
const V2_POINTS = ['rfid', 'events'];

export default defineConfig({
  entry: ['src/index.ts', ...POINTS.map((p) => `src/${p}/v1.ts`), ...V2_POINTS.map((p) => `src/${p}/v2.ts`)],
  format: ['esm', 'cjs'],
  dts: false, // declarations: scripts/emit-types.mjs (tsc), see the note there
  // Shared chunks in both formats: one copy of the catalog and of ContractError per format,
  // whichever entries a consumer imports.
  splitting: true,
  sourcemap: true,
  // Maps without the sources themselves (decision 0033): stack traces keep our file and line.
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  target: 'node20',
  outDir: 'dist',
});
