import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Where a search from one directory goes, as cosmiconfig's search strategies name it. */
export interface ProjectSearch {
  /** The directories searched, in order. */
  readonly directories: readonly string[];
  /** `project`: up to the project's root; `none`: the start directory alone. */
  readonly strategy: 'project' | 'none';
  /** A directory anyone can write to, where the search stopped without looking: its files may be anyone's. */
  readonly passedOver: string | undefined;
}

/**
 * The directories searched from `start`: it and its parents up to the nearest one with a package.json (or
 * package.yaml), which is the project's root, as cosmiconfig's `project` strategy goes. With no package file above it,
 * only `start` itself (the `none` strategy): climbing further would reach directories other people control, such as
 * `/` or `/tmp`, and a config file there can run code. For the same reason a directory anyone can write to (`/tmp`,
 * `/var/tmp`, `/dev/shm`) is never searched, nor anything above it: a package.json planted there marks no project.
 */
export function projectSearch(start: string): ProjectSearch {
  const directories: string[] = [];
  for (let directory = resolve(start); ; directory = dirname(directory)) {
    if (anyoneCanWrite(directory)) {
      const alone = directories.length > 0 ? [resolve(start)] : [];
      return { directories: alone, strategy: 'none', passedOver: directory };
    }
    directories.push(directory);
    if (PACKAGE_FILES.some((name) => existsSync(join(directory, name)))) return { directories, strategy: 'project', passedOver: undefined };
    if (dirname(directory) === directory) return { directories: [resolve(start)], strategy: 'none', passedOver: undefined };
  }
}

/** A directory whose mode lets every user create files in it; one that cannot be read is not searched either way. */
function anyoneCanWrite(directory: string): boolean {
  const stats = statSync(directory, { throwIfNoEntry: false });
  return stats !== undefined && (stats.mode & 0o002) !== 0;
}

/** The files that mark a project's root for cosmiconfig's `project` strategy. */
const PACKAGE_FILES = ['package.json', 'package.yaml'];

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
