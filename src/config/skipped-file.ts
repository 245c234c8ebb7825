import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SEARCH_PLACES } from './search-places';

/** The search places present in a directory, from one `readdir` of it and one of its `.config` directory. */
export function presentPlaces(directory: string): ReadonlySet<string> {
  const names = new Set([...entries(directory), ...entries(join(directory, '.config')).map((name) => `.config/${name}`)]);
  return new Set(SEARCH_PLACES.filter((place) => names.has(place)));
}

/**
 * A config file that comes before `found` in the search but that cosmiconfig passed over, because it could not read
 * it (its search skips EACCES, EISDIR and ENOTDIR as if the file were not there). Here that is an error: a config
 * deployed with the wrong owner must not quietly give way to another file or to the defaults. `present` holds the
 * places found in each directory, in the order of `directories`.
 */
export function skippedFile(
  directories: readonly string[],
  present: readonly ReadonlySet<string>[],
  found: string | undefined,
): { filepath: string; problem: string } | undefined {
  for (const [index, directory] of directories.entries()) {
    for (const place of SEARCH_PLACES) {
      const filepath = join(directory, place);
      if (filepath === found) return undefined;
      if (place === 'package.json' || present[index]?.has(place) !== true) continue;
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
