import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HealthChecksConfigError, fileSource } from '../errors';
import { ConfigFileProblem, loaderFor, type LoadedContent } from './file-loaders';
import { entryDirectories, searchDirectories, SEARCH_PLACES } from './search-directories';

export { SEARCH_PLACES } from './search-directories';

/** The package.json key that holds a config. */
const PACKAGE_KEY = 'healthchecks';

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

/** What a search found, and the directories it looked in, in order. */
export interface ConfigSearch {
  readonly found: ConfigFile | null;
  readonly searched: readonly string[];
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
 * {@link loadConfig}, with the directories searched. `entryDirs` is where the search goes when there is no file from
 * `cwd`: by default the entry script's directory when `cwd` is not given, and nowhere when it is.
 */
export function findConfig(
  options: LoadConfigOptions,
  entryDirs: readonly string[] = options.cwd === undefined ? entryDirectories() : [],
): ConfigSearch {
  const { cwd = process.cwd(), configFile } = options;
  if (configFile === false) return { found: null, searched: [] };
  if (configFile !== undefined) return { found: readNamedFile(resolve(cwd, configFile)), searched: [] };
  const directories = searchDirectories(cwd, entryDirs);
  for (const [index, directory] of directories.entries()) {
    const found = searchDirectory(directory);
    if (found !== null) return { found, searched: directories.slice(0, index + 1) };
  }
  return { found: null, searched: directories };
}

/** The first config in one directory, in {@link SEARCH_PLACES} order. One `readdir` instead of a `stat` per place. */
function searchDirectory(directory: string): ConfigFile | null {
  let present: Set<string>;
  try {
    present = new Set(readdirSync(directory));
  } catch {
    return null;
  }
  for (const place of SEARCH_PLACES) {
    if (!present.has(place)) continue;
    const filepath = join(directory, place);
    if (place !== 'package.json') return readConfigFile(filepath);
    const config = packageConfig(filepath);
    if (config !== undefined) return { config, filepath, esModule: false, dependencies: [] };
  }
  return null;
}

function readNamedFile(filepath: string): ConfigFile {
  return readConfigFile(filepath, 'configFile');
}

/** A package.json's `healthchecks` key, or `undefined` when it has none. */
function packageConfig(filepath: string): unknown {
  const content = readFileSync(filepath, 'utf8');
  let manifest: unknown;
  try {
    manifest = JSON.parse(content);
  } catch {
    return undefined; // Node reports a broken package.json itself; its config key is unreadable either way.
  }
  return typeof manifest === 'object' && manifest !== null ? (manifest as Record<string, unknown>)[PACKAGE_KEY] : undefined;
}

/**
 * Reads and parses one config file. An empty file is an error, not the defaults: a file cut short by a deploy must not
 * quietly turn the allowlist into the development defaults.
 */
function readConfigFile(filepath: string, namedBy?: 'configFile'): ConfigFile {
  const problem = (line: string, cause?: unknown) => new HealthChecksConfigError(fileSource(filepath), [line], { cause });
  let content: string;
  try {
    content = readFileSync(filepath, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT' && namedBy !== undefined) {
      throw problem('The file does not exist. Fix the configFile option, or leave it out to search for a config file.');
    }
    throw problem(`The file could not be read (${typeof code === 'string' ? code : 'unknown error'}).`);
  }
  if (content.trim() === '') throw problem(EMPTY_FILE);
  let loaded: LoadedContent;
  try {
    loaded = loaderFor(filepath)(filepath, content);
  } catch (error) {
    if (error instanceof ConfigFileProblem) throw problem(error.message);
    throw error;
  }
  if (loaded.value === undefined || loaded.value === null) throw problem(EMPTY_FILE);
  return { config: loaded.value, filepath, esModule: loaded.esModule, dependencies: loaded.dependencies };
}

const EMPTY_FILE =
  'The file is empty: it holds no configuration. Write one in it, such as {"allowedHosts": ["example.com"]}, or ' +
  'delete it to use the defaults.';
