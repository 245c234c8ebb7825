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
 * The directories of the script the process started with (`process.argv[1]`) and of the main module
 * (`require.main`), where the search goes when there is no config file from the working directory:
 * `node /srv/app/server.js` started from `/`, as systemd and many images do. Both, because a process manager
 * such as pm2 may load the app from a main module of its own.
 */
export function entryDirectories(): string[] {
  const entries = [process.argv[1], require.main?.filename].filter((entry): entry is string => typeof entry === 'string' && entry !== '');
  return [...new Set(entries.map((entry) => dirname(resolve(entry))))];
}

/** The directories a search visits, in order: from `cwd`, then from each entry directory, each directory once. */
export function searchDirectories(cwd: string, entryDirs: readonly string[]): string[] {
  const directories = projectDirectories(cwd);
  for (const entryDir of entryDirs) {
    for (const directory of projectDirectories(entryDir)) if (!directories.includes(directory)) directories.push(directory);
  }
  return directories;
}
