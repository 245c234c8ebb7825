import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import Ajv from 'ajv';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
import { healthChecks } from '../src';
import { withEnv } from './helpers';
import { fencedBlocks, type FencedBlock } from './markdown-blocks';

// Every config for this package that the docs show, in a fenced block or as a file in docs/recipes, is one that
// schema.json accepts (what an editor checks) and that healthChecks() starts with (what the app checks).

const ROOT = join(__dirname, '..');
const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'schema.json'), 'utf8')) as { properties: Record<string, unknown> };
const validate = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);

/** The top-level keys that make an object one of our configs: the schema's own, and a name once planned for one. */
const CONFIG_KEYS = [...Object.keys(SCHEMA.properties).filter((key) => key !== '$schema'), 'allowedHostsEnv'];
/** A token for configs that name no token of their own, so that a probe section can start. */
const DOC_TOKEN = 'doc-config-blocks-token';

/** A config shown in the docs: where (a file and line, or a file), its value, its text and a file name to save it as. */
interface ShownConfig {
  readonly where: string;
  readonly config: Record<string, unknown>;
  readonly text: string;
  readonly saveAs: string;
}

function markdownFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The config an object is, or holds under package.json's `healthchecks` key; `undefined` for anything else. */
function asConfig(value: unknown): Record<string, unknown> | undefined {
  if (!isObject(value) || 'apiVersion' in value || 'kind' in value) return undefined;
  if (isObject(value.healthchecks) && ('name' in value || 'dependencies' in value)) return asConfig(value.healthchecks);
  const schema = value.$schema;
  if (typeof schema === 'string' && /(^|\/)schema\.json$/.test(schema)) return value;
  return CONFIG_KEYS.some((key) => key in value) ? value : undefined;
}

/** A fenced block that reads as a whole config for this package but does not parse: a typo in the docs. */
interface BrokenBlock {
  readonly where: string;
  readonly broken: string;
}

/** Whether text that does not parse still names our keys where a whole config would (`{ "probe": …` or `probe:`). */
function looksLikeConfig(block: FencedBlock): boolean {
  const keys = CONFIG_KEYS.join('|');
  if (block.lang === 'json') return /^\s*\{[^]*\}\s*$/.test(block.text) && new RegExp(`"(${keys})"\\s*:`).test(block.text);
  return new RegExp(`^(${keys}):`, 'm').test(block.text) && !/^(apiVersion|kind):/m.test(block.text);
}

/**
 * The configs among a Markdown file's ```json, ```yaml and ```yml blocks. A partial snippet, such as
 * `"probe": { … }` in the middle of prose, does not parse as a whole and is not counted; a block that would be a whole
 * config but does not parse is reported as broken.
 */
function configsInMarkdown(file: string): (ShownConfig | BrokenBlock)[] {
  const name = relative(ROOT, file);
  return fencedBlocks(readFileSync(file, 'utf8')).flatMap((block): (ShownConfig | BrokenBlock)[] => {
    const where = `${name}:${block.line}`;
    if (block.lang === 'json') {
      let value: unknown;
      try {
        value = JSON.parse(block.text);
      } catch (error) {
        return looksLikeConfig(block) ? [{ where, broken: `not valid JSON: ${(error as Error).message}` }] : [];
      }
      const config = asConfig(value);
      return config === undefined ? [] : [{ where, config, text: JSON.stringify(config), saveAs: 'healthchecks.config.json' }];
    }
    if (block.lang !== 'yaml' && block.lang !== 'yml') return [];
    const documents = parseAllDocuments(block.text);
    const errors = documents.flatMap((document) => document.errors);
    if (errors.length > 0) return looksLikeConfig(block) ? [{ where, broken: `not valid YAML: ${errors[0]?.message ?? ''}` }] : [];
    return documents.flatMap((document) => {
      const config = asConfig(document.toJS());
      return config === undefined ? [] : [{ where, config, text: document.toString(), saveAs: 'healthchecks.config.yaml' }];
    });
  });
}

/** The standalone config files in docs/recipes: .healthchecksrc*, healthchecksrc.*.json, healthchecks.config.*. */
function recipeConfigFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return recipeConfigFiles(path);
    return /^(\.?healthchecksrc|healthchecks\.config)\b/.test(name) ? [path] : [];
  });
}

/** A recipe's config file, read as JSON, or as YAML when its name says so or it is not JSON (`.healthchecksrc`). */
function configFromFile(file: string): ShownConfig {
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (!/\.ya?ml$|rc$/.test(file)) throw new Error(`${relative(ROOT, file)} is not valid JSON`, { cause: error });
    value = parse(text);
  }
  if (!isObject(value)) throw new Error(`${relative(ROOT, file)} holds no JSON or YAML object`);
  return { where: relative(ROOT, file), config: value, text, saveAs: basename(file) };
}

/** What schema.json says about `config`: an empty list when it is valid. */
function schemaProblems(config: unknown): string[] {
  if (validate(config)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

/** What healthChecks() says when it starts from `config` saved as a file: `undefined` when it starts. */
function startupProblem(shown: ShownConfig, directory: string): string | undefined {
  const file = join(directory, shown.saveAs);
  writeFileSync(file, shown.text);
  const probe = isObject(shown.config.probe) ? shown.config.probe : {};
  const variable = typeof probe.valueEnv === 'string' ? probe.valueEnv : 'HEALTH_CHECK_HEADER_VALUE';
  try {
    withEnv({ HEALTH_CHECK_HEADER_VALUE: undefined, [variable]: DOC_TOKEN }, () => healthChecks({ cwd: directory, configFile: file }).close());
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** One line per problem with `shown`, each naming where it is shown: what schema.json and healthChecks() say. */
function problemsWith(shown: ShownConfig | BrokenBlock, directory: string): string[] {
  if ('broken' in shown) return [`${shown.where}: ${shown.broken}`];
  const fromSchema = schemaProblems(shown.config).map((problem) => `${shown.where}: schema.json: ${problem}`);
  const fromStartup = startupProblem(shown, directory);
  return fromStartup === undefined ? fromSchema : [...fromSchema, `${shown.where}: healthChecks(): ${fromStartup}`];
}

describe('config blocks in the docs', () => {
  let directory: string;
  before(() => (directory = mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-doc-blocks-'))));
  after(() => rmSync(directory, { recursive: true, force: true }));

  const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];
  const shown = files.map((file) => ({ file, configs: configsInMarkdown(file) }));

  it('finds configs in the README and the recipes', () => {
    expect(shown[0]?.configs.length, 'configs in README.md').to.be.greaterThan(0);
    expect(shown.flatMap(({ configs }) => configs).length).to.be.greaterThan(5);
  });

  for (const { file, configs } of shown.filter(({ configs }) => configs.length > 0)) {
    it(`${relative(ROOT, file)}: its ${configs.length} config block(s) pass schema.json and healthChecks()`, () => {
      expect(configs.flatMap((config) => problemsWith(config, directory))).to.deep.equal([]);
    });
  }

  const recipeFiles = recipeConfigFiles(join(ROOT, 'docs', 'recipes'));
  it(`docs/recipes: its ${recipeFiles.length} config files pass schema.json and healthChecks()`, () => {
    expect(recipeFiles.length).to.be.greaterThan(5);
    expect(recipeFiles.flatMap((file) => problemsWith(configFromFile(file), directory))).to.deep.equal([]);
  });
});
