import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect } from 'chai';
import { HealthChecksConfigError, loadConfig } from '../src';
import { findConfig, SEARCH_PLACES } from '../src/config/load-config';
import { makeProject, removeProjects, thrownBy } from './helpers';

const CONFIG = { allowedHosts: ['example.com'], probe: { header: 'X-Probe' } };
const AS_JSON = JSON.stringify(CONFIG);
const AS_YAML = 'allowedHosts:\n  - example.com\nprobe:\n  header: X-Probe\n';
const AS_CJS = `module.exports = ${AS_JSON};\n`;
const AS_ESM = `export default ${AS_JSON};\n`;

describe('loadConfig', () => {
  afterEach(removeProjects);

  // Every format the README lists, each alone in a project.
  const formats: [file: string, content: string, packageJson?: object][] = [
    ['package.json', JSON.stringify({ name: 'fixture', healthchecks: CONFIG })],
    ['.healthchecksrc', AS_JSON],
    ['.healthchecksrc', AS_YAML],
    ['.healthchecksrc.json', AS_JSON],
    ['.healthchecksrc.yaml', AS_YAML],
    ['.healthchecksrc.yml', AS_YAML],
    ['.healthchecksrc.js', AS_CJS],
    ['.healthchecksrc.js', AS_ESM, { name: 'fixture', type: 'module' }],
    ['.healthchecksrc.cjs', AS_CJS],
    ['.healthchecksrc.mjs', AS_ESM],
    ['.config/healthchecksrc', AS_YAML],
    ['.config/healthchecksrc.json', AS_JSON],
    ['.config/healthchecksrc.yaml', AS_YAML],
    ['.config/healthchecksrc.cjs', AS_CJS],
    ['.config/healthchecksrc.mjs', AS_ESM],
    ['healthchecks.config.js', AS_CJS],
    ['healthchecks.config.js', AS_ESM, { name: 'fixture', type: 'module' }],
    ['healthchecks.config.cjs', AS_CJS],
    ['healthchecks.config.mjs', AS_ESM],
    ['healthchecks.config.json', AS_JSON],
    ['healthchecks.config.yaml', AS_YAML],
    ['healthchecks.config.yml', AS_YAML],
  ];
  for (const [file, content, packageJson] of formats) {
    const variant = content === AS_YAML ? ' (YAML)' : packageJson !== undefined ? ' (ES module package)' : content === AS_ESM ? ' (ES module)' : '';
    it(`finds ${file}${variant}`, () => {
      const cwd = makeProject({ ...(packageJson === undefined ? {} : { 'package.json': packageJson }), [file]: content });
      expect(loadConfig({ cwd })).to.deep.equal({ config: CONFIG, filepath: join(cwd, file) });
    });
  }

  it('searches the places in the documented order, TypeScript included', () => {
    // In a fresh process with no ts-node, so that a TypeScript config meets Node itself: loaded where Node strips
    // types, refused with the version that would where it cannot.
    const cwd = makeProject(Object.fromEntries(SEARCH_PLACES.slice(1).map((place) => [place, contentFor(place)])));
    const script = `
      const { rmSync } = require('node:fs');
      const { loadConfig } = require(${JSON.stringify(join(__dirname, '..', 'dist'))});
      for (;;) {
        try {
          const found = loadConfig({ cwd: process.cwd() });
          if (found === null) break;
          console.log(found.filepath, found.config.exemptPaths[0]);
          rmSync(found.filepath);
        } catch (error) {
          console.log(error.filepath, error.problems[0]);
          rmSync(error.filepath);
        }
      }`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    const lines = result.stdout.trim().split('\n');
    expect(lines, result.stderr).to.have.length(SEARCH_PLACES.length - 1);
    const typeScript = Boolean((process.features as { typescript?: unknown }).typescript);
    for (const [index, place] of SEARCH_PLACES.slice(1).entries()) {
      const loaded = !/\.[cm]?ts$/.test(place) || typeScript;
      const expected = loaded ? `/${place}` : `${basename(place)} is TypeScript, and this Node (${process.version}) cannot load it. Node 22.18+, 23.6+ and 24`;
      expect(lines[index], `${index} ${place}`).to.include(`${join(cwd, place)} ${expected}`);
    }
  });

  it('reads the default export of a module compiled from TypeScript or Babel (exports.__esModule), as ts-node and tsx load one', () => {
    const compiled = `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.default = ${AS_JSON};\n`;
    const cwd = makeProject({ 'healthchecks.config.cjs': compiled });
    expect(loadConfig({ cwd })?.config).to.deep.equal(CONFIG);
  });

  it('prefers the package.json key to any rc file', () => {
    const cwd = makeProject({ 'package.json': { name: 'fixture', healthchecks: CONFIG }, '.healthchecksrc.json': '{}' });
    expect(loadConfig({ cwd })?.filepath).to.equal(join(cwd, 'package.json'));
  });

  it('searches up from cwd to the nearest package.json', () => {
    const root = makeProject({ '.healthchecksrc.json': AS_JSON });
    const nested = join(root, 'src', 'deep');
    mkdirSync(nested, { recursive: true });
    expect(loadConfig({ cwd: nested })?.filepath).to.equal(join(root, '.healthchecksrc.json'));
  });

  it('does not search above the nearest package.json', () => {
    const root = makeProject({ '.healthchecksrc.json': AS_JSON, 'app/package.json': { name: 'app' } });
    expect(loadConfig({ cwd: join(root, 'app') })).to.equal(null);
  });

  it('returns null when no file is found', () => {
    expect(loadConfig({ cwd: makeProject({}) })).to.equal(null);
  });

  it('returns null with configFile: false, even beside a config file', () => {
    expect(loadConfig({ cwd: makeProject({ '.healthchecksrc.json': AS_JSON }), configFile: false })).to.equal(null);
  });

  it('loads a named configFile, relative to cwd, whatever its name', () => {
    const cwd = makeProject({ 'config/probes.yaml': AS_YAML, '.healthchecksrc.json': '{"rejectStatus": 404}' });
    expect(loadConfig({ cwd, configFile: 'config/probes.yaml' })).to.deep.equal({ config: CONFIG, filepath: join(cwd, 'config/probes.yaml') });
  });

  it('refuses an empty file, found or named, rather than fall back to the defaults', () => {
    const cwd = makeProject({ 'empty.json': '', '.healthchecksrc.yaml': '# allowedHosts: [example.com]\n\n' });
    for (const error of [thrownBy(() => loadConfig({ cwd, configFile: 'empty.json' })), thrownBy(() => loadConfig({ cwd }))]) {
      expect(error).to.be.instanceOf(HealthChecksConfigError);
      expect(error.message).to.include('The file is empty: it holds no configuration').and.include('delete it to use the defaults');
    }
    expect(thrownBy(() => loadConfig({ cwd })).message).to.include(join(cwd, '.healthchecksrc.yaml'));
  });

  it('names a configFile that does not exist', () => {
    const cwd = makeProject({});
    const error = thrownBy(() => loadConfig({ cwd, configFile: 'missing.json' }));
    expect(error).to.be.instanceOf(HealthChecksConfigError);
    expect((error as HealthChecksConfigError).filepath).to.equal(join(cwd, 'missing.json'));
    expect(error.message).to.include(join(cwd, 'missing.json')).and.include('does not exist');
  });

  it('refuses a file that is null, as empty, rather than search on as cosmiconfig would', () => {
    const cwd = makeProject({ '.healthchecksrc.yaml': '~\n', 'healthchecks.config.json': AS_JSON });
    const error = thrownBy(() => loadConfig({ cwd }));
    expect((error as HealthChecksConfigError).filepath).to.equal(join(cwd, '.healthchecksrc.yaml'));
    expect(error.message).to.include('The file is empty');
  });

  it('refuses a config place it cannot read, rather than pass over it to the next file as cosmiconfig would', () => {
    const cwd = makeProject({ '.healthchecksrc.json/keep': 'x', 'healthchecks.config.json': AS_JSON });
    const error = thrownBy(() => loadConfig({ cwd }));
    expect(error).to.be.instanceOf(HealthChecksConfigError);
    expect((error as HealthChecksConfigError).filepath).to.equal(join(cwd, '.healthchecksrc.json'));
    expect(error.message).to.include('could not be read (EISDIR: it is a directory)');
  });

  it("applies cosmiconfig's $import, and reads the imported file again with the config", () => {
    const cwd = makeProject({
      'base.json': JSON.stringify({ allowedHosts: ['base.example'], rejectStatus: 404 }),
      '.healthchecksrc.json': JSON.stringify({ $import: './base.json', allowedHosts: ['example.com'] }),
    });
    expect(loadConfig({ cwd })?.config).to.deep.equal({ allowedHosts: ['base.example', 'example.com'], rejectStatus: 404 });
    expect(findConfig({ cwd }).found?.dependencies).to.deep.equal([join(cwd, 'base.json')]);
  });

  it('refuses a $import that cannot be followed with a config error that says what to fix', () => {
    const cases: [files: Record<string, string>, says: string][] = [
      [{ '.healthchecksrc.json': '{"$import": "./missing.json"}' }, 'A file its $import names could not be read'],
      [{ '.healthchecksrc.json': '{"$import": "./b.json"}', 'b.json': '{"$import": "./.healthchecksrc.json"}' }, 'Circular import detected'],
      [{ '.healthchecksrc.json': '{"$import": "./.healthchecksrc.json"}' }, 'Self-import detected'],
      [{ '.healthchecksrc.json': '{"$import": 5}' }, 'Key $import must contain a string or a list of strings'],
      [{ '.healthchecksrc.json': '{"$import": "./empty.json"}', 'empty.json': '' }, 'an imported file may be empty'],
    ];
    for (const [files, says] of cases) {
      const error = thrownBy(() => loadConfig({ cwd: makeProject(files) }));
      expect(error, says).to.be.instanceOf(HealthChecksConfigError);
      expect(error.message).to.include(says);
    }
  });

  describe('a file that cannot be parsed', () => {
    const secret = 'SECRET-TOKEN-1234';
    const broken: [file: string, content: string, says: string][] = [
      ['.healthchecksrc.json', `{"probe": {"value": "${secret}" "header": "X"}}`, 'not valid JSON at line 1, column'],
      ['healthchecks.config.json', `{"probe": {"value": ${secret}}}`, 'not valid JSON'],
      ['.healthchecksrc.yaml', `probe:\n  value: ${secret}\n  methods: [GET\n`, 'not valid YAML at line'],
      ['.healthchecksrc', `{"probe": {"value": "${secret}",}`, 'not valid YAML'],
      ['.healthchecksrc.cjs', `module.exports = { probe: { value: '${secret}' } ;\n`, 'syntax error'],
      ['healthchecks.config.mjs', `throw new Error('${secret}');\n`, 'threw an Error while loading'],
    ];
    for (const [file, content, says] of broken) {
      it(`${file}: names the file and the position, and never quotes its content`, () => {
        const cwd = makeProject({ [file]: content });
        const error = thrownBy(() => loadConfig({ cwd }));
        expect(error).to.be.instanceOf(HealthChecksConfigError);
        expect((error as HealthChecksConfigError).filepath).to.equal(join(cwd, file));
        expect(error.message).to.include(join(cwd, file)).and.include(says);
        expect(JSON.stringify({ message: error.message, stack: error.stack, cause: String(error.cause) })).not.to.include(secret);
      });
    }
  });
});

/** A config that names its own file, in the syntax its extension wants. */
function contentFor(place: string): string {
  const config = JSON.stringify({ exemptPaths: [`/${place}`] });
  if (place.endsWith('.mjs')) return `export default ${config};`;
  if (place.endsWith('js') || place.endsWith('.cts')) return `module.exports = ${config};`;
  if (place.endsWith('ts')) return `const config: { exemptPaths: string[] } = ${config};\nexport default config;`;
  return config;
}
