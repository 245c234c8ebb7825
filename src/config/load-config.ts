import type { CosmiconfigResult } from 'cosmiconfig';
import { resolve } from 'node:path';
import { HealthChecksConfigError, fileSource } from '../errors';
import { ConfigFileProblem } from './file-loaders';
import { configLoaders, EMPTY_FILE, type LoadedFiles } from './config-loaders';
import { configExplorer } from './explorer';
import { MODULE_NAME, SEARCH_PLACES } from './search-places';
import { entryDirectories, projectSearch } from './search-directories';
import { presentPlaces, skippedFile } from './skipped-file';

export { SEARCH_PLACES } from './search-places';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Where the search starts; it goes up to the nearest directory with a package.json. Default: `process.cwd()`, and
   * when no file is found from there, the directory of the app's entry module. Given explicitly, only `cwd` is searched.
   */
  cwd?: string;
  /** A config file to load instead of searching (relative to `cwd`), or `false` to load no file at all. */
  configFile?: string | false;
}

/** A config file's content, before validation, and where it was found. */
export interface LoadedConfig {
  config: unknown;
  filepath: string;
}

/** A config file as a reload needs it: its content, whether it is an ES module, and the files it required. */
export interface ConfigFile extends LoadedConfig {
  readonly esModule: boolean;
  readonly dependencies: readonly string[];
}

/** What a search found, the directories it looked in, in order, and those anyone can write to, which it did not. */
export interface ConfigSearch {
  readonly found: ConfigFile | null;
  readonly searched: readonly string[];
  readonly passedOver: readonly string[];
}

/**
 * Finds and reads the config file synchronously, as `healthChecks()` does at startup. Returns `null` when no file is
 * found or `configFile` is `false`. The content is returned as read: `healthChecks()` validates it.
 *
 * @throws {HealthChecksConfigError} when the file named by `configFile` does not exist, or a file cannot be read.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig | null {
  const { found } = findConfig(options);
  return found === null ? null : { config: found.config, filepath: found.filepath };
}

/**
 * {@link loadConfig}, with the directories searched. The search is cosmiconfig's explorer, run from `cwd` and then,
 * when that finds nothing, from each of `entryDirs`: by default the entry script's directory when `cwd` is not given,
 * and nowhere when it is.
 */
export function findConfig(
  options: LoadConfigOptions,
  entryDirs: readonly string[] = options.cwd === undefined ? entryDirectories() : [],
): ConfigSearch {
  const { cwd = process.cwd(), configFile } = options;
  if (configFile === false) return { found: null, searched: [], passedOver: [] };
  if (configFile !== undefined) return { found: loadNamedFile(resolve(cwd, configFile)), searched: [], passedOver: [] };
  const searched: string[] = [];
  const passedOver: string[] = [];
  for (const start of [resolve(cwd), ...entryDirs]) {
    const { directories, strategy, passedOver: unsafe } = projectSearch(start);
    if (unsafe !== undefined && !passedOver.includes(unsafe)) passedOver.push(unsafe);
    if (directories.every((directory) => searched.includes(directory))) continue;
    // cosmiconfig tries to read every place in every directory; it is handed only the places present in one of them,
    // which cannot change what it finds, and saves it some thirty failed reads per directory.
    const present = directories.map(presentPlaces);
    const places = SEARCH_PLACES.filter((place) => present.some((names) => names.has(place)));
    const files: LoadedFiles = new Map();
    const result = places.length === 0 ? null : explore(() => explorer(strategy, files, places).search(start), { from: start });
    const visited = result === null ? directories : directories.slice(0, directories.indexOf(searchDirectoryOf(result.filepath, directories)) + 1);
    const skipped = skippedFile(visited, present, result?.filepath);
    if (skipped !== undefined) throw new HealthChecksConfigError(fileSource(skipped.filepath), [skipped.problem]);
    for (const directory of visited) if (!searched.includes(directory)) searched.push(directory);
    if (result !== null) return { found: asConfigFile(result, files), searched, passedOver };
  }
  return { found: null, searched, passedOver };
}

function explorer(strategy: 'project' | 'none', files: LoadedFiles, places: readonly string[] = SEARCH_PLACES) {
  return configExplorer(strategy, configLoaders(files), places);
}

function loadNamedFile(filepath: string): ConfigFile {
  const files: LoadedFiles = new Map();
  let result: CosmiconfigResult;
  try {
    result = explore(() => explorer('none', files).load(filepath), { named: filepath });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ENOENT' || error instanceof HealthChecksConfigError) throw error;
    throw new HealthChecksConfigError(fileSource(filepath), [
      'The file does not exist. Fix the configFile option, or leave it out to search for a config file.',
    ]);
  }
  if (result === null) throw new HealthChecksConfigError(fileSource(filepath), [`The file has no "${MODULE_NAME}" key.`]);
  return asConfigFile(result, files);
}

/** A search's result as a ConfigFile: an empty file is refused, and what its loader learnt is kept. */
function asConfigFile(result: NonNullable<CosmiconfigResult>, files: LoadedFiles): ConfigFile {
  const { filepath } = result;
  if (result.isEmpty === true) throw new HealthChecksConfigError(fileSource(filepath), [EMPTY_FILE]);
  const own = files.get(filepath);
  // Files brought in with cosmiconfig's `$import` are read again and watched with the config, as required files are.
  const imported = [...files.keys()].filter((path) => path !== filepath);
  return {
    config: result.config as unknown,
    filepath,
    esModule: [...files.values()].some((loaded) => loaded.esModule),
    dependencies: [...new Set([...(own?.dependencies ?? []), ...imported])],
  };
}

/** The directory of `directories` a found file belongs to: a `.config/` place belongs to the directory above it. */
function searchDirectoryOf(filepath: string, directories: readonly string[]): string {
  return directories.find((directory) => SEARCH_PLACES.some((place) => resolve(directory, place) === filepath)) ?? directories[0]!;
}

/**
 * Runs the explorer, turning whatever it throws into the package's config error, naming the file: a loader's problem;
 * a file it could not read, which in a search is one a `$import` names; and cosmiconfig's own refusals of a `$import`
 * (a cycle, a self-import, a value that is not a path), whose words name only files. `subject` is the file loaded, or
 * where the search started; a missing named file is left for the caller to word.
 */
function explore<T>(run: () => T, subject: { named: string } | { from: string }): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof HealthChecksConfigError) throw error;
    const { filepath, code, path } = error as { filepath?: unknown; code?: unknown; path?: unknown };
    if (error instanceof ConfigFileProblem && typeof filepath === 'string') throw new HealthChecksConfigError(fileSource(filepath), [error.message]);
    if (typeof code === 'string' && typeof path === 'string') {
      const named = 'named' in subject && path === subject.named;
      if (named && code === 'ENOENT') throw error;
      throw new HealthChecksConfigError(fileSource(path), [
        `The file could not be read (${code}).${named ? '' : ' A $import names it: fix that $import, or create the file.'}`,
      ]);
    }
    const source =
      typeof filepath === 'string' ? fileSource(filepath) : 'named' in subject ? fileSource(subject.named) : { description: `the config file search from ${subject.from}` };
    throw new HealthChecksConfigError(source, [`cosmiconfig could not load the config: ${cosmiconfigWords(error)} Fix the $import entries.`]);
  }
}

/** cosmiconfig's message for a refused `$import`, on one line; any other error by its name alone. */
function cosmiconfigWords(error: unknown): string {
  const message = error instanceof Error && error.name === 'Error' ? error.message : '';
  if (/^(Circular import detected|Self-import detected|.*Key \$import must contain)/.test(message)) {
    return `${message.split('\n').map((line) => line.trim()).filter(Boolean).join(' ')}.`;
  }
  return `${errorName(error)}; an imported file may be empty.`;
}

function errorName(error: unknown): string {
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' && /^\w+$/.test(name) ? name : 'Error';
}
