import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, extname, sep } from 'node:path';
import { describeCommonJsInModule, describeModuleError, describeTypeScriptUnsupported, describeYamlError } from './parse-error';
import { findJsonSyntaxError, lineAndColumn } from './json-syntax';

/** Why a config file could not be read: one problem line, naming no part of the file's content. */
export class ConfigFileProblem extends Error {
  override readonly name = 'ConfigFileProblem';
}

/** What loading a config file gave: its value, and what reloading it needs to know. */
export interface LoadedContent {
  readonly value: unknown;
  /**
   * An ES module, or CommonJS that requires one: Node evaluates an ES module once per process, so an edit to it can
   * never be applied by a reload.
   */
  readonly esModule: boolean;
  /** The project files (outside node_modules) a CommonJS config required: read again with it, and watched with it. */
  readonly dependencies: readonly string[];
}

/** Reads a config file's content into a value, by the file's name. Throws ConfigFileProblem. */
export type ConfigLoader = (filepath: string, content: string) => LoadedContent;

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
    return data(JSON.parse(text) as unknown);
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
    return data(defaultLoadersSync['.yaml'](filepath, content));
  } catch (error) {
    throw new ConfigFileProblem(describeYamlError(error));
  }
};

function data(value: unknown): LoadedContent {
  return { value, esModule: false, dependencies: [] };
}

/**
 * Loads `.js`, `.cjs` and `.mjs` files with `require()`, which also loads ES modules on Node 20.19+, so that the whole
 * search stays synchronous. An ES module's default export is the config.
 *
 * A CommonJS config is evaluated afresh each time, with the project files it required: they are dropped from
 * `require.cache` first. An ES module cannot be: Node keeps it for the life of the process, whatever `require.cache`
 * says. So once loaded, it is loaded again only while its content is what was first evaluated; an edited one is
 * refused with the fix, never served stale.
 */
const loadModule: ConfigLoader = (filepath, content) => {
  let loaded: unknown;
  try {
    forgetModule(filepath);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- require() keeps the search synchronous
    loaded = require(filepath);
  } catch (error) {
    throw new ConfigFileProblem(describeModuleError(error, filepath));
  }
  if (!isModuleNamespace(loaded)) {
    const value = isCompiledEsModule(loaded) ? loaded.default : loaded;
    const dependencies = projectDependencies(filepath);
    // An ES module it requires is Node's to keep too: the config is then as hard to reload as an ES module.
    const esModules = dependencies.filter((dependency) => isModuleNamespace(require.cache[dependency]?.exports));
    for (const dependency of esModules) checkUnchangedEsModule(dependency, readFileSync(dependency, 'utf8'));
    return { value, esModule: esModules.length > 0, dependencies };
  }
  checkUnchangedEsModule(filepath, content);
  if (Object.keys(loaded).length === 0 && COMMONJS_EXPORT.test(content)) throw new ConfigFileProblem(describeCommonJsInModule(filepath));
  return { value: defaultExport(loaded), esModule: true, dependencies: [] };
};

/** CommonJS exports, written where Node sees an ES module. */
const COMMONJS_EXPORT = /\bmodule\.exports\b|\bexports\.\w+\s*=/;

function defaultExport(loaded: ModuleNamespace): unknown {
  if ('default' in loaded) return loaded.default;
  const names = Object.keys(loaded);
  if (names.length === 0) throw new ConfigFileProblem('The module exports nothing. Write `export default { allowedHosts: [...] }`.');
  throw new ConfigFileProblem(
    `The module has only named exports (${names.join(', ')}), and the config is its default export. ` +
      'Write `export default { allowedHosts: [...] }`.',
  );
}

/** The digest of each ES module config's content when Node first evaluated it: Node's own cache, mirrored. */
const evaluatedEsModules = new Map<string, string>();

function checkUnchangedEsModule(filepath: string, content: string): void {
  const digest = createHash('sha256').update(content).digest('hex');
  const first = evaluatedEsModules.get(filepath);
  if (first === undefined) evaluatedEsModules.set(filepath, digest);
  else if (first !== digest) throw new ConfigFileProblem(`${basename(filepath)} is an ES module and changed since it was loaded. ${ES_MODULE_RELOAD}`);
}

/** Why an ES module config cannot be reloaded, with the two fixes. */
export const ES_MODULE_RELOAD =
  'Node evaluates an ES module once per process, so a change to it cannot be applied while the process runs. ' +
  'Restart the process to apply it, or write the config, and the files it loads, as .json, .yaml or .cjs (CommonJS), which reload.';

/** Drops a CommonJS config and the project files it required from `require.cache`, so that they are read again. */
function forgetModule(filepath: string): void {
  for (const dependency of projectDependencies(filepath)) delete require.cache[dependency];
  delete require.cache[filepath];
}

/** The files a loaded CommonJS module required, directly or not, that are not installed packages. */
function projectDependencies(filepath: string): string[] {
  const found = new Set<string>();
  const visit = (module: NodeJS.Module | undefined) => {
    for (const child of module?.children ?? []) {
      if (found.has(child.filename) || child.filename === filepath || child.filename.includes(`${sep}node_modules${sep}`)) continue;
      found.add(child.filename);
      visit(child);
    }
  };
  visit(require.cache[filepath]);
  return [...found];
}

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
