import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SEARCH_PLACES } from './search-places';

/**
 * The search places present in a directory, from one `readdir` of it and one of its `.config` directory. A directory
 * that exists but cannot be listed is asked place by place: a place that cannot even be looked at counts as present,
 * so that the check below reports it rather than letting the search pass over it.
 */
export function presentPlaces(directory: string): ReadonlySet<string> {
  const top = listing(directory);
  const config = listing(join(directory, '.config'));
  return new Set(
    SEARCH_PLACES.filter((place) => {
      const inConfig = place.startsWith('.config/');
      const names = inConfig ? config : top;
      return names === undefined ? mayExist(join(directory, place)) : names.has(inConfig ? place.slice('.config/'.length) : place);
    }),
  );
}

/** The names in a directory; none when it does not exist; `undefined` when it exists but cannot be listed. */
function listing(directory: string): ReadonlySet<string> | undefined {
  if (!existsSync(directory)) return new Set(); // most projects have no .config directory: no error to build
  try {
    return new Set(readdirSync(directory));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? new Set() : undefined;
  }
}

function mayExist(filepath: string): boolean {
  try {
    statSync(filepath);
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
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
      if (present[index]?.has(place) !== true || (place === 'package.json' && readable(filepath))) continue;
      return { filepath, problem: passedOverBecause(filepath) };
    }
  }
  return undefined;
}

/** A package.json is passed over when it has no `healthchecks` key; only one that cannot be read is an error. */
function readable(filepath: string): boolean {
  try {
    accessSync(filepath, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why cosmiconfig passed over a file that is there: it could not read it, or, when the file itself reads, it could
 * not read a file the config's `$import` names (cosmiconfig then skips the config as if it were missing).
 */
function passedOverBecause(filepath: string): string {
  let code: string;
  try {
    if (statSync(filepath).isDirectory()) code = 'EISDIR: it is a directory';
    else {
      accessSync(filepath, constants.R_OK);
      return 'A file its $import names could not be read, so the config could not be loaded. Fix that $import, or create the file.';
    }
  } catch (error) {
    const errorCode = (error as { code?: unknown }).code;
    code = typeof errorCode === 'string' ? errorCode : 'unknown error';
  }
  return `The file could not be read (${code}). Make it readable by the app's user, or remove it.`;
}
