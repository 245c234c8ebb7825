import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { SEARCH_PLACES } from './search-places';

/** Names that look meant for this package, and the search place each would be under a name the search reads. */
const LOOKS_MEANT = /^\.?healthchecks/i;

/**
 * Files in the directories searched whose names look meant as this package's config but are none the search reads,
 * such as `healthchecks.json` or `.config/.healthchecksrc.json`, each with the name to give it. Read only when no config
 * was found, for the warning and `check`.
 */
export function nearMissNames(directories: readonly string[]): { filepath: string; rename: string }[] {
  return directories.flatMap((directory) =>
    ['', '.config'].flatMap((sub) =>
      names(join(directory, sub))
        .filter((name) => LOOKS_MEANT.test(name) && !SEARCH_PLACES.includes(sub === '' ? name : `${sub}/${name}`))
        .map((name) => ({ filepath: join(directory, sub, name), rename: renameFor(sub, name) })),
    ),
  );
}

/** The search place of the same format, in the same directory: `healthchecks.config.*`, or `.config/healthchecksrc.*`. */
function renameFor(sub: string, name: string): string {
  const extension = extname(name).toLowerCase();
  const candidate = sub === '' ? `healthchecks.config${extension}` : `${sub}/healthchecksrc${extension}`;
  return SEARCH_PLACES.includes(candidate) ? candidate : sub === '' ? '.healthchecksrc.json' : `${sub}/healthchecksrc.json`;
}

function names(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}
