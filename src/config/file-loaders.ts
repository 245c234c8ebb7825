import { basename, extname } from 'node:path';
import { describeModuleError, describeTypeScriptUnsupported, describeYamlError } from './parse-error';
import { findJsonSyntaxError, lineAndColumn } from './json-syntax';

/** Why a config file could not be read: one problem line, naming no part of the file's content. */
export class ConfigFileProblem extends Error {
  override readonly name = 'ConfigFileProblem';
}

/** Reads a config file's content into a value, by the file's name. Throws ConfigFileProblem. */
export type ConfigLoader = (filepath: string, content: string) => unknown;

/** The loader for a file, by its extension; a file with none (`.healthchecksrc`) is YAML, which includes JSON. */
export function loaderFor(filepath: string): ConfigLoader {
  const extension = extname(basename(filepath).replace(/^\./, ''));
  switch (extension) {
    case '.json':
      return loadJson;
    case '.js':
    case '.cjs':
    case '.mjs':
      return loadModule;
    case '.ts':
    case '.cts':
    case '.mts':
      return loadTypeScript;
    case '.yaml':
    case '.yml':
    case '':
      return loadYaml;
    default:
      throw new ConfigFileProblem(
        `The file's extension ${JSON.stringify(extension)} is not a config format. Use .json, .yaml, .yml, .js, .cjs, .mjs, .ts, .cts or .mts.`,
      );
  }
}

/** JSON.parse, with the line, column and reason of a syntax error worked out here, the same on every Node version. */
const loadJson: ConfigLoader = (_filepath, content) => {
  const text = content.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const error = findJsonSyntaxError(text) ?? { offset: 0, reason: 'JSON.parse refused it' };
    const { line, column } = lineAndColumn(text, error.offset);
    throw new ConfigFileProblem(`The file is not valid JSON at line ${line}, column ${column}: ${error.reason}.`);
  }
};

/** YAML through cosmiconfig's loader (js-yaml), required only when a YAML file is found, to keep startup fast. */
const loadYaml: ConfigLoader = (filepath, content) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: most configs are JSON
  const { defaultLoadersSync } = require('cosmiconfig') as typeof import('cosmiconfig');
  try {
    return defaultLoadersSync['.yaml'](filepath, content);
  } catch (error) {
    throw new ConfigFileProblem(describeYamlError(error));
  }
};

/**
 * Loads `.js`, `.cjs` and `.mjs` files with `require()`, which also loads ES modules on Node 20.19+, so that the whole
 * search stays synchronous. An ES module's default export is the config.
 */
const loadModule: ConfigLoader = (filepath) => {
  let loaded: unknown;
  try {
    delete require.cache[filepath];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- require() keeps the search synchronous
    loaded = require(filepath);
  } catch (error) {
    throw new ConfigFileProblem(describeModuleError(error, filepath));
  }
  if (isCompiledEsModule(loaded)) return loaded.default;
  if (!isModuleNamespace(loaded)) return loaded;
  if ('default' in loaded) return loaded.default;
  const names = Object.keys(loaded);
  if (names.length === 0) throw new ConfigFileProblem('The module exports nothing. Write `export default { allowedHosts: [...] }`.');
  throw new ConfigFileProblem(
    `The module has only named exports (${names.join(', ')}), and the config is its default export. ` +
      'Write `export default { allowedHosts: [...] }`.',
  );
};

/** Where Node can strip types (22.18+, 23.6+, 24), a TypeScript config is a module like any other. */
const loadTypeScript: ConfigLoader = (filepath, content) => {
  if (!(process.features as { typescript?: unknown }).typescript) throw new ConfigFileProblem(describeTypeScriptUnsupported(filepath));
  return loadModule(filepath, content);
};

type ModuleNamespace = Record<string, unknown>;

/** CommonJS compiled from an ES module by TypeScript or Babel, as ts-node and tsx load a `.ts` config. */
function isCompiledEsModule(value: unknown): value is { default: unknown } {
  return typeof value === 'object' && value !== null && (value as { __esModule?: unknown }).__esModule === true && 'default' in value;
}

function isModuleNamespace(value: unknown): value is ModuleNamespace {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Module'
  );
}
