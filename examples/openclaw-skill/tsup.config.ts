import { defineConfig } from 'tsup';

// The published `fieldops-deploy-site` command: the scripts compiled to one ESM file. Node will not strip
// types under node_modules (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING), and `npm install -g` puts the
// package there, so the bin is JavaScript; the packages it imports stay dependencies (not bundled).
export default defineConfig({
  entry: { 'deploy-site': 'scripts/deploy-site.ts' },
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'node20',
  outDir: 'dist',
});
