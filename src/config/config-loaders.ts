import type { LoadersSync } from 'cosmiconfig';
import { basename } from 'node:path';
import { ConfigFileProblem, loaderFor, type LoadedContent } from './file-loaders';

/** What each file's loader learnt while one search or load ran, by path: whether it is an ES module, what it required. */
export type LoadedFiles = Map<string, LoadedContent>;

/** Every extension the search places use; `noExt` is cosmiconfig's key for `.healthchecksrc`, `default` for any other (refused). */
const EXTENSIONS = ['default', 'noExt', '.json', '.yaml', '.yml', '.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'];

/**
 * The loaders handed to cosmiconfig: this package's own, by extension, each recording what it learnt in `files`.
 * A file whose content is `null` (`~` in YAML, `null` in JSON) is refused as empty, where cosmiconfig would go on
 * searching: it is a config cut short, not a missing one.
 */
export function configLoaders(files: LoadedFiles): LoadersSync {
  const load = (filepath: string, content: string): unknown => {
    if (basename(filepath) === 'package.json') return packageManifest(content);
    const loaded = loaderFor(filepath)(filepath, content);
    if (loaded.value === undefined || loaded.value === null) throw new ConfigFileProblem(EMPTY_FILE);
    files.set(filepath, loaded);
    return loaded.value;
  };
  return Object.fromEntries(EXTENSIONS.map((extension) => [extension, load]));
}

/** A package.json, for its `healthchecks` key. A broken one has none: Node reports a broken package.json itself. */
function packageManifest(content: string): object {
  try {
    const manifest = JSON.parse(content) as unknown;
    return typeof manifest === 'object' && manifest !== null ? manifest : {};
  } catch {
    return {};
  }
}

export const EMPTY_FILE =
  'The file is empty: it holds no configuration. Write one in it, such as {"allowedHosts": ["example.com"]}, or ' +
  'delete it to use the defaults.';
