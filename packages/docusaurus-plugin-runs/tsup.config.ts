import { defineConfig } from 'tsup';

// The node side (plugin, loaders, builders) and the browser helpers the theme imports
// (`./browser`, no Node built-ins) in ESM and CJS; Docusaurus loads plugins through jiti,
// which takes the `require` branch. Theme components are compiled separately by tsc
// (tsconfig.theme.json) so they stay one file per component, as swizzling expects.
export default defineConfig({
  entry: ['src/index.ts', 'src/browser.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
  outDir: 'dist',
});
