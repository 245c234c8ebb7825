// What a production install costs an app: `npm install <package> --omit=dev --omit=peer` into an empty project, for
// this package (from `npm pack`), for cosmiconfig alone, and for @koa/cors, helmet and koa. Counts the packages and the bytes under
// node_modules. Needs the npm registry, or an npm cache that holds the packages.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** cosmiconfig alone, whose tree this package adds to; then the other middlewares, and Koa itself. */
const OTHERS = ['cosmiconfig@^9', '@koa/cors', 'helmet', 'koa'];

function npm(args, cwd) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Every installed package (a directory with a package.json under node_modules, scoped and nested ones included). */
function installedPackages(nodeModules) {
  const packages = [];
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin') continue;
    const path = join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      packages.push(...installedPackages(path));
      continue;
    }
    const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
    packages.push(`${manifest.name}@${manifest.version}`);
    if (existsSync(join(path, 'node_modules'))) packages.push(...installedPackages(join(path, 'node_modules')));
  }
  return packages;
}

/** The bytes of every file under a directory (their lengths, not the disk blocks they take). */
function bytesUnder(directory) {
  let bytes = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    bytes += entry.isDirectory() ? bytesUnder(path) : lstatSync(path).size;
  }
  return bytes;
}

function measureTree(nodeModules) {
  return { packages: installedPackages(nodeModules), bytes: bytesUnder(nodeModules) };
}

function install(spec) {
  const project = mkdtempSync(join(tmpdir(), 'bench-footprint-'));
  try {
    writeFileSync(join(project, 'package.json'), '{"name":"footprint-fixture","private":true}');
    npm(['install', spec, '--omit=dev', '--omit=peer', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'], project);
    return measureTree(join(project, 'node_modules'));
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

export function runFootprint() {
  const packDirectory = mkdtempSync(join(tmpdir(), 'bench-pack-'));
  try {
    const [packed] = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packDirectory], ROOT));
    const rows = [{ name: `koa-allow-healthchecks (this build)`, ...install(join(packDirectory, packed.filename)), tarballBytes: packed.size }];
    for (const name of OTHERS) rows.push({ name, ...install(name) });
    return rows.map(({ name, packages, bytes, tarballBytes }) => ({
      name,
      version: packages.find((entry) => entry.startsWith(`${name.split(' ')[0].replace(/@\^\d+$/, '')}@`))?.split('@').at(-1) ?? null,
      packageCount: packages.length,
      installedBytes: bytes,
      tarballBytes: tarballBytes ?? null,
      packages: packages.sort(),
    }));
  } finally {
    rmSync(packDirectory, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(JSON.stringify(runFootprint(), null, 2));
