// Bundles the extension into dist/extension.js (CommonJS for VS Code's extension host).
// `vscode` is provided by the host; everything else, vscode-languageclient included, is bundled.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

await esbuild.build({
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});

// The webviews' scripts (they run in a browser context): the Search Tree (d3-hierarchy, d3-zoom)
// and the Timeline strip.
await esbuild.build({
  entryPoints: ['webview/searchTree.ts', 'webview/timelineStrip.ts'],
  bundle: true,
  outdir: 'dist',
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
});
