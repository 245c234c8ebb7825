// Bundles the package's two entry points, each into one CommonJS file: dist/index.js (the middleware) and
// dist/cli/main.js (the command). tsc type-checks and writes the .d.ts files; this writes the JavaScript.
//
// Why a bundle: loading 47 small files costs an app about 20 ms more at startup than one file with the same code, on a
// 2-core machine, and startup is measured against `require('koa')` alone (BENCHMARKS.md). The source stays in small
// modules; dependencies (cosmiconfig, fastest-levenshtein, tldts) stay outside the bundle, loaded when needed.
//
// One exception: cosmiconfig's explorer class (src/config/explorer.ts says why the package uses the class rather than
// cosmiconfigSync()) is an internal module of cosmiconfig, so it is bundled, with env-paths, the one package it
// requires when it loads: the explorer that runs is then the one built and tested, whatever cosmiconfig version an
// app installs. The loaders it would require lazily (parse-json, js-yaml, import-fresh, typescript) stay outside: the
// package hands the explorer loaders of its own.
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

/** Bundles cosmiconfig's explorer modules and env-paths; every other package stays external. */
const bundleExplorer = {
  name: 'bundle-cosmiconfig-explorer',
  setup(plugin) {
    plugin.onResolve({ filter: /^(cosmiconfig\/dist\/ExplorerSync\.js|env-paths)$/ }, (args) => ({
      path: require.resolve(args.path, { paths: [args.resolveDir] }),
    }));
  },
};

const COMMON = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  packages: 'external',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [bundleExplorer],
};

await Promise.all([
  build({ ...COMMON, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' }),
  build({ ...COMMON, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/main.js' }),
]);
