import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/*
 * Why a config file could not be read, by kind and position. Parsers and Node quote the file's text in their messages,
 * and that text may hold the probe token, so their messages are never passed on whole: only the fixed wording of a
 * known case, or a reason that is plain words.
 */

/** A parser's reason is kept only when it is plain words, which cannot quote a token: "bad indentation of a mapping entry". */
const PLAIN_WORDS = /^[a-z][a-z ,()-]*$/i;

export function describeYamlError(error: unknown): string {
  const { reason, mark } = error as { reason?: unknown; mark?: { line?: unknown; column?: unknown } };
  const at =
    typeof mark?.line === 'number' && typeof mark.column === 'number' ? ` at line ${mark.line + 1}, column ${mark.column + 1}` : '';
  const why = typeof reason === 'string' && PLAIN_WORDS.test(reason) ? `: ${reason}` : '';
  return `The file is not valid YAML${at}${why}. Fix the syntax there.`;
}

/** Explains why `require()` of a `.js`, `.cjs`, `.mjs` (or TypeScript) config failed. */
export function describeModuleError(error: unknown, filepath: string): string {
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  const text = typeof message === 'string' ? message : '';
  if (code === 'ERR_REQUIRE_ASYNC_MODULE') {
    return (
      'The module uses top-level await, and healthChecks() loads its config synchronously at startup. Export the ' +
      'config without awaiting, or await the values in your app and pass them to healthChecks() as options.'
    );
  }
  if (name === 'ReferenceError' && /^(module|exports|require) is not defined in ES module scope/.test(text)) {
    return describeCommonJsInModule(filepath);
  }
  if (name === 'SyntaxError' && ES_SYNTAX_IN_COMMONJS.test(text) && /\.[jt]s$/.test(filepath)) return esModuleInCommonJs(filepath);
  const position = positionIn(error, filepath);
  const at = position === undefined ? '' : ` at line ${position.line}${position.column === undefined ? '' : `, column ${position.column}`}`;
  if (name === 'SyntaxError') return `The module has a syntax error${at}. Fix the syntax there.`;
  const kind = typeof name === 'string' && /^\w+$/.test(name) ? name : 'Error';
  return `The module threw ${withArticle(kind)} while loading${at}. Make it export the configuration without throwing.`;
}

/**
 * CommonJS (`module.exports`, `require()`) in a file Node loads as an ES module: a `.mjs`/`.mts`, or a `.js`/`.ts` under
 * `"type": "module"`. Node either throws, or (since require() loads ES modules) evaluates it to a module with no
 * exports at all.
 */
export function describeCommonJsInModule(filepath: string): string {
  const manifest = nearestPackageJson(filepath);
  const why = manifest?.type === 'module' ? ', because the nearest package.json says "type": "module"' : '';
  return (
    `The file uses module.exports or require(), but Node loads it as an ES module${why}. ` +
    `Rename it to ${commonJsName(filepath)}, or write \`export default { ... }\` instead.`
  );
}

/** Node's words for `export` or `import` in a file it loads as CommonJS. */
const ES_SYNTAX_IN_COMMONJS = /^(Unexpected token 'export'|Cannot use import statement outside a module|Cannot use 'import\.meta' outside a module)/;

/**
 * ES module syntax in a `.js` or `.ts` file that Node loads as CommonJS: the nearest package.json says
 * `"type": "commonjs"` (as `npm init -y` writes it), or says no type where Node does not detect the syntax itself.
 */
function esModuleInCommonJs(filepath: string): string {
  const manifest = nearestPackageJson(filepath);
  const modern = basename(filepath, extname(filepath)) + (filepath.endsWith('.ts') ? '.mts' : '.mjs');
  const cause = `The file uses ES module syntax (export or import), but Node loads ${basename(filepath)} as CommonJS`;
  if (manifest?.type === 'commonjs') {
    return (
      `${cause}, because ${manifest.path} says "type": "commonjs" (as npm init -y writes it). Rename the file to ` +
      `${modern}, or remove "type": "commonjs" from package.json: Node then tells ES module files by their syntax, ` +
      'and the CommonJS ones stay as they are.'
    );
  }
  return `${cause}. Rename the file to ${modern}, or set "type": "module" in its package.json.`;
}

/** The nearest package.json above a file, and the `type` it sets. */
function nearestPackageJson(filepath: string): { path: string; type: unknown } | undefined {
  for (let directory = dirname(filepath); ; directory = dirname(directory)) {
    const path = join(directory, 'package.json');
    if (existsSync(path)) {
      try {
        return { path, type: (JSON.parse(readFileSync(path, 'utf8')) as { type?: unknown }).type };
      } catch {
        return { path, type: undefined };
      }
    }
    if (dirname(directory) === directory) return undefined;
  }
}

/** A TypeScript config on a Node that cannot strip types. */
export function describeTypeScriptUnsupported(filepath: string): string {
  return (
    `${basename(filepath)} is TypeScript, and this Node (${process.version}) cannot load it. Node 22.18+, 23.6+ and 24 ` +
    'strip the types and load it as it is. Upgrade Node, or write the config as .json, .yaml, .cjs or .mjs.'
  );
}

/** The CommonJS name of a file: `.js` and `.mjs` become `.cjs`, `.ts` and `.mts` become `.cts`. */
function commonJsName(filepath: string): string {
  const extension = extname(filepath);
  const typed = extension.endsWith('ts');
  return basename(filepath, extension) + (typed ? '.cts' : '.cjs');
}

/** The line (and column) of the first stack frame in the config file itself, never one in this package. */
function positionIn(error: unknown, filepath: string): { line: number; column: number | undefined } | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const escaped = filepath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const frame = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`).exec(stack);
  if (frame?.[1] === undefined) return undefined;
  return { line: Number(frame[1]), column: frame[2] === undefined ? undefined : Number(frame[2]) };
}

function withArticle(name: string): string {
  return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
}
