import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import Ajv from 'ajv';
import { expect } from 'chai';
import { SEARCH_PLACES } from '../src/config/load-config';

const ROOT = join(__dirname, '..');
const SCHEMA_PATH = join(ROOT, 'schema.json');
const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as SchemaNode;

interface SchemaNode {
  description?: string;
  examples?: unknown[];
  properties?: Record<string, SchemaNode>;
}

/** Every JSON config file under `folder` that an editor would open: .healthchecksrc*.json and healthchecksrc.*.json. */
function configFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return configFiles(path);
    return /healthchecksrc.*\.json$/.test(name) ? [path] : [];
  });
}

/** The $schema of a recipe's config: right once the file is copied next to the package.json of an app that uses us. */
const INSTALLED_SCHEMA = './node_modules/koa-allow-healthchecks/schema.json';
const RECIPES = join(ROOT, 'docs', 'recipes');

/**
 * The file an editor opens for `$schema`. The installed package's schema.json is this repository's (package.json ships
 * it), so {@link INSTALLED_SCHEMA} maps to it; any other reference resolves from the config file's folder.
 */
function schemaFileOf(configFile: string, reference: string): string {
  return reference === INSTALLED_SCHEMA ? SCHEMA_PATH : resolve(dirname(configFile), reference);
}

describe('editor support', () => {
  const files = [...configFiles(join(ROOT, 'examples')), ...configFiles(join(ROOT, 'docs'))];

  it('finds the example and recipe config files', () => {
    expect(files.length).to.be.greaterThan(5);
  });

  it('ships schema.json in the package, where a recipe\'s $schema looks for it', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[]; exports: Record<string, unknown> };
    expect(manifest.files).to.include('schema.json');
    expect(manifest.exports['./schema.json']).to.equal('./schema.json');
  });

  it(`gives every recipe config the $schema ${INSTALLED_SCHEMA}, as it is copied into an app`, () => {
    const recipes = configFiles(RECIPES);
    expect(recipes.length).to.be.greaterThan(5);
    const others = recipes.filter((file) => (JSON.parse(readFileSync(file, 'utf8')) as { $schema?: unknown }).$schema !== INSTALLED_SCHEMA);
    expect(others.map((file) => relative(ROOT, file))).to.deep.equal([]);
  });

  // What VS Code does: follow $schema, load that schema, validate the file against it.
  for (const file of files) {
    it(`${relative(ROOT, file)}: its $schema leads to the package schema, and it validates`, () => {
      const config = JSON.parse(readFileSync(file, 'utf8')) as { $schema?: string };
      expect(config.$schema, 'a $schema key').to.be.a('string');
      const schemaFile = schemaFileOf(file, config.$schema as string);
      expect(schemaFile).to.equal(SCHEMA_PATH);
      const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
      expect(validate(config), JSON.stringify(validate.errors)).to.equal(true);
    });
  }

  it('gives every option in the schema a description and examples', () => {
    const missing: string[] = [];
    const walk = (node: SchemaNode, path: string) => {
      for (const [name, child] of Object.entries(node.properties ?? {})) {
        const key = path ? `${path}.${name}` : name;
        if (!child.description) missing.push(`${key}: description`);
        if (!Array.isArray(child.examples) || child.examples.length === 0) missing.push(`${key}: examples`);
        walk(child, key);
      }
    };
    walk(schema, '');
    expect(missing).to.deep.equal([]);
  });

  it('has every example in the schema valid against the schema', () => {
    const validate = new Ajv({ strict: true }).compile(schema as object);
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      if (name === '$schema') continue;
      for (const example of child.examples ?? []) {
        expect(validate({ [name]: example }), `${name}: ${JSON.stringify(example)}`).to.equal(true);
      }
    }
  });

  it('prepares a SchemaStore catalog entry that matches the JSON and YAML config names', () => {
    const entry = JSON.parse(readFileSync(join(ROOT, 'docs', 'schemastore-catalog-entry.json'), 'utf8')) as Record<string, unknown>;
    expect(entry).to.have.all.keys('name', 'description', 'fileMatch', 'url');
    const dataPlaces = SEARCH_PLACES.filter((place) => !/\.(c|m)?(js|ts)$/.test(place) && place !== 'package.json');
    expect(entry.fileMatch).to.have.members(dataPlaces);
    expect(entry.url).to.match(/\/koa-allow-healthchecks\/schema\.json$/);
  });
});
