// Bundles the package's two entry points, each into one CommonJS file: dist/index.js (the middleware) and
// dist/cli/main.js (the command). tsc type-checks and writes the .d.ts files; this writes the JavaScript.
//
// Why a bundle: loading 47 small files costs an app about 20 ms more at startup than one file with the same code, on a
// 2-core machine, and startup is measured against `require('koa')` alone (BENCHMARKS.md). The source stays in small
// modules; dependencies (cosmiconfig, fastest-levenshtein, tldts) stay outside the bundle, loaded when needed.
import { build } from 'esbuild';

const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  packages: 'external',
  legalComments: 'none',
  logLevel: 'warning',
};

await Promise.all([
  build({ ...COMMON, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' }),
  build({ ...COMMON, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/main.js' }),
]);
