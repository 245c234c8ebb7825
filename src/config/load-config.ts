import { resolve } from 'node:path';
import { cosmiconfigSync, defaultLoadersSync, type LoaderSync } from 'cosmiconfig';
import { HealthChecksConfigError, fileSource } from '../errors';
import { describeParseError } from './parse-error';

/** The module name cosmiconfig searches for: `.healthchecksrc*`, `healthchecks.config.*`, package.json `healthchecks`. */
const MODULE_NAME = 'healthchecks';

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
  'healthchecks.config.js',
  'healthchecks.config.cjs',
  'healthchecks.config.mjs',
  'healthchecks.config.json',
  'healthchecks.config.yaml',
  'healthchecks.config.yml',
];

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Where the search starts; it goes up to the nearest directory with a package.json. Default: `process.cwd()`. */
  cwd?: string;
  /** A config file to load instead of searching (relative to `cwd`), or `false` to load no file at all. */
  configFile?: string | false;
}

/** A config file's content, before validation, and where it was found. */
export interface LoadedConfig {
  config: unknown;
  filepath: string;
}

/**
 * Finds and reads the config file synchronously, as `healthChecks()` does at startup. Returns `null` when no file is
 * found or `configFile` is `false`. The content is returned as read: `healthChecks()` validates it.
 *
 * @throws {HealthChecksConfigError} when the file named by `configFile` does not exist, or a file cannot be parsed.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig | null {
  const { cwd = process.cwd(), configFile } = options;
  if (configFile === false) return null;
  const explorer = cosmiconfigSync(MODULE_NAME, {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'project',
    cache: false,
    loaders: {
      '.json': reportingFile(loadJson),
      '.yaml': reportingFile(defaultLoadersSync['.yaml']),
      '.yml': reportingFile(defaultLoadersSync['.yml']),
      noExt: reportingFile(defaultLoadersSync.noExt),
      '.js': reportingFile(loadModule),
      '.cjs': reportingFile(loadModule),
      '.mjs': reportingFile(loadModule),
    },
  });
  const result = configFile === undefined ? explorer.search(cwd) : loadNamedFile(resolve(cwd, configFile));
  if (result === null) return null;
  return { config: result.isEmpty === true ? {} : result.config, filepath: result.filepath };

  function loadNamedFile(filepath: string) {
    try {
      return explorer.load(filepath);
    } catch (error) {
      if (error instanceof HealthChecksConfigError) throw error;
      if ((error as { code?: unknown }).code === 'ENOENT') {
        throw new HealthChecksConfigError(fileSource(filepath), [
          'The file does not exist. Fix the configFile option, or leave it out to search for a config file.',
        ]);
      }
      // cosmiconfig's own errors (an unknown extension, a directory) quote no file content.
      const reason = error instanceof Error ? error.message : String(error);
      throw new HealthChecksConfigError(
        fileSource(filepath),
        [`The file could not be loaded: ${reason}. Use one of the formats listed in the README.`],
        { cause: error },
      );
    }
  }
}

/**
 * Loads `.js`, `.cjs` and `.mjs` files with `require()`, which also loads ES modules on Node 20.19+, so the whole
 * search stays synchronous. An ES module's default export is the config.
 */
const loadModule: LoaderSync = (filepath) => {
  delete require.cache[filepath];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- require() keeps the search synchronous
  const loaded: unknown = require(filepath);
  return isModuleNamespace(loaded) ? loaded.default : loaded;
};

function isModuleNamespace(value: unknown): value is { default: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Module'
  );
}

/** JSON.parse, without cosmiconfig's parse-json and its dependencies, which would cost startup time. */
const loadJson: LoaderSync = (_filepath, content) => JSON.parse(content) as unknown;

/** Wraps a loader so that a file that cannot be parsed throws a HealthChecksConfigError naming it. */
function reportingFile(loader: LoaderSync): LoaderSync {
  return (filepath, content) => {
    try {
      return loader(filepath, content);
    } catch (error) {
      throw new HealthChecksConfigError(fileSource(filepath), [describeParseError(error, content)]);
    }
  };
}
