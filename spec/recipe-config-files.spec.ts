import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../src/config/load-config';
import { makeProject, removeProjects } from './helpers';

// A user copies a recipe's config file next to their package.json. It must work under the name it has in the recipe.
const RECIPES = join(__dirname, '..', 'docs', 'recipes');

/** Every file under `folder` named like a config file, found or not: `.healthchecksrc*` and `healthchecks.config*`. */
function configFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return configFiles(path);
    return /healthchecks(rc|\.config)/.test(entry.name) ? [path] : [];
  });
}

describe('recipe config files', () => {
  afterEach(removeProjects);
  const files = configFiles(RECIPES);

  it('finds the recipe config files', () => {
    expect(files.length).to.be.greaterThan(15);
  });

  it('has at most one config file per folder, one folder per variant', () => {
    const folders = files.map((file) => relative(RECIPES, dirname(file)));
    expect(folders).to.deep.equal([...new Set(folders)]);
  });

  for (const file of files) {
    it(`${relative(RECIPES, file)}: copied as it is named next to a package.json, the search finds it`, () => {
      const name = basename(file);
      const text = readFileSync(file, 'utf8');
      const cwd = makeProject({ [name]: text });
      const found = loadConfig({ cwd });
      expect(found?.filepath).to.equal(join(cwd, name));
      expect(found?.config).to.deep.equal(JSON.parse(text));
    });
  }
});
