import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SEARCH_PLACES } from './search-places';

/**
 * A config file that comes before `found` in the search but that cosmiconfig passed over, because it could not read
 * it (its search skips EACCES, EISDIR and ENOTDIR as if the file were not there). Here that is an error: a config
 * deployed with the wrong owner must not quietly give way to another file or to the defaults. One `readdir` per
 * directory searched, and per `.config` directory.
 */
export function skippedFile(directories: readonly string[], found: string | undefined): { filepath: string; problem: string } | undefined {
  for (const directory of directories) {
    const present = new Set([...entries(directory), ...entries(join(directory, '.config')).map((name) => `.config/${name}`)]);
    for (const place of SEARCH_PLACES) {
      const filepath = join(directory, place);
      if (filepath === found) return undefined;
      if (place === 'package.json' || !present.has(place)) continue;
      return { filepath, problem: `The file could not be read (${unreadableBecause(filepath)}). Make it readable by the app's user, or remove it.` };
    }
  }
  return undefined;
}

function entries(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

function unreadableBecause(filepath: string): string {
  try {
    if (statSync(filepath).isDirectory()) return 'EISDIR: it is a directory';
    accessSync(filepath, constants.R_OK);
    return 'unknown error';
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : 'unknown error';
  }
}
