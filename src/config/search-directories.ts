import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Search order within each directory; the first file found wins. */
export const SEARCH_PLACES: readonly string[] = [
  'package.json',
  '.healthchecksrc',
  '.healthchecksrc.json',
  '.healthchecksrc.yaml',
  '.healthchecksrc.yml',
  '.healthchecksrc.js',
  '.healthchecksrc.cjs',
  '.healthchecksrc.mjs',
  '.healthchecksrc.ts',
  '.healthchecksrc.cts',
  '.healthchecksrc.mts',
  'healthchecks.config.js',
  'healthchecks.config.cjs',
  'healthchecks.config.mjs',
  'healthchecks.config.ts',
  'healthchecks.config.cts',
  'healthchecks.config.mts',
  'healthchecks.config.json',
  'healthchecks.config.yaml',
  'healthchecks.config.yml',
];

/**
 * The directories searched from `start`: it and its parents up to the nearest one with a package.json, which is the
 * project's root. With no package.json above it, only `start` itself: climbing further would reach directories other
 * people control, such as `/` or `/tmp`, and a config file there can run code.
 */
export function projectDirectories(start: string): string[] {
  const directories: string[] = [];
  for (let directory = resolve(start); ; directory = dirname(directory)) {
    directories.push(directory);
    if (existsSync(join(directory, 'package.json'))) return directories;
    if (dirname(directory) === directory) return [resolve(start)];
  }
}

/**
 * The directory of the module the process started with, where the search goes when there is no config file from the
 * working directory: `node /srv/app/server.js` started from `/`, as systemd, pm2 and many images do.
 */
export function entryDirectory(): string | null {
  const entry = require.main?.filename ?? process.argv[1];
  return entry === undefined || entry === '' ? null : dirname(resolve(entry));
}

/** The directories a search visits, in order: from `cwd`, then from the entry module's directory, each once. */
export function searchDirectories(cwd: string, entryDir: string | null): string[] {
  const fromCwd = projectDirectories(cwd);
  const fromEntry = entryDir === null ? [] : projectDirectories(entryDir).filter((directory) => !fromCwd.includes(directory));
  return [...fromCwd, ...fromEntry];
}
