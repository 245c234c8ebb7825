import { join } from 'node:path';
import { expect } from 'chai';
import { HealthChecksConfigError, loadConfig } from '../src';
import { findJsonSyntaxError } from '../src/config/json-syntax';
import { makeProject, removeProjects, thrownBy } from './helpers';

const SECRET = 'SECRET-TOKEN-7e1a';

/** The one problem loading `file` reports, after checking that it names the file and quotes none of its content. */
function problemOf(file: string, content: string, packageJson?: object): string {
  const cwd = makeProject({ ...(packageJson === undefined ? {} : { 'package.json': packageJson }), [file]: content });
  const error = thrownBy(() => loadConfig({ cwd }));
  expect(error).to.be.instanceOf(HealthChecksConfigError);
  const configError = error as HealthChecksConfigError;
  expect(configError.filepath).to.equal(join(cwd, file));
  expect(configError.message).to.include(join(cwd, file));
  expect(JSON.stringify({ message: error.message, stack: error.stack, cause: String(error.cause) })).not.to.include(SECRET);
  expect(configError.problems).to.have.length(1);
  return configError.problems[0] as string;
}

describe('config file errors', () => {
  afterEach(removeProjects);

  describe('JSON: the line and column of the mistake, worked out here, on every Node version', () => {
    const cases: [what: string, content: string, says: string][] = [
      [
        'a trailing comma',
        `{\n  "allowedHosts": ["example.com"],\n  "probe": { "value": "${SECRET}", },\n}\n`,
        'not valid JSON at line 3, column 42: a trailing comma: remove the comma before the "}"',
      ],
      ['a trailing comma in an array', `{"allowedHosts": ["a.com", "${SECRET}",]}`, 'at line 1, column 47: a trailing comma: remove the comma before the "]"'],
      ['a // comment', `{\n  // the hosts\n  "allowedHosts": ["${SECRET}"]\n}`, 'at line 2, column 3: JSON has no comments'],
      ['a /* comment */', `{"allowedHosts": /* ${SECRET} */ []}`, 'at line 1, column 18: JSON has no comments'],
      ['an unquoted value', `{\n  "probe": {\n    "value": ${SECRET}\n  }\n}`, 'at line 3, column 14: a value is expected here'],
      ['an unquoted name', `{ allowedHosts: ["${SECRET}"] }`, 'at line 1, column 3: property names need double quotes'],
      ['single quotes', `{"probe": {"value": '${SECRET}'}}`, 'at line 1, column 21: strings need double quotes in JSON, not single quotes'],
      ['a missing comma', `{"allowedHosts": ["a.com"]\n "probe": {"value": "${SECRET}"}}`, 'at line 2, column 2: a "," or "}" is expected here: is a comma missing?'],
      ['a file cut short', `{"allowedHosts": ["a.com"], "probe": {"value": "${SECRET}"}`, 'the file ends before the closing "}": it looks cut short'],
      ['an unclosed string', `{"probe": {"value": "${SECRET}}}`, 'at line 1, column 21: a string is not closed'],
      ['a bad escape', `{"probe": {"value": "${SECRET}\\q"}}`, 'at line 1, column 39: an invalid escape in a string'],
      ['something after the value', `{"allowedHosts": ["a.com"]} ${SECRET}`, 'at line 1, column 29: there is more after the end of the JSON value'],
    ];
    for (const [what, content, says] of cases) {
      it(`${what}`, () => {
        expect(problemOf('.healthchecksrc.json', content)).to.include(says);
      });
    }

    it('reads a file that starts with a byte order mark, as Windows editors write it', () => {
      const cwd = makeProject({ 'healthchecks.config.json': '\uFEFF{"allowedHosts": ["example.com"]}' });
      expect(loadConfig({ cwd })?.config).to.deep.equal({ allowedHosts: ['example.com'] });
    });

    // Every text JSON.parse accepts, the scanner accepts too, and every one it refuses, the scanner places an error in.
    // Vectors in the style of the JSONTestSuite (github.com/nst/JSONTestSuite), y_ and n_ files.
    const accepted = ['{}', '[]', '{"a":[1,-0.5e+3,true,false,null,"\\u00e9\\n"]}', ' \n{"a" : {"b" : [ ]}} \r\n', '"x"', '0'];
    const refused = ['{"a":01}', '[1,]', '{"a" "b"}', '[-]', '[.5]', '["\t"]', '{"a":1}}', 'tru', '[1 2]', '{"a":}', '{,}', '+1'];
    it('agrees with JSON.parse on valid and invalid texts', () => {
      for (const text of accepted) expect(findJsonSyntaxError(text), text).to.equal(undefined);
      for (const text of refused) {
        expect(() => JSON.parse(text), text).to.throw(SyntaxError);
        expect(findJsonSyntaxError(text), text).not.to.equal(undefined);
      }
    });
  });

  describe('YAML: the parser reason, when it is plain words', () => {
    it('keeps "bad indentation of a mapping entry" and the position', () => {
      const problem = problemOf('.healthchecksrc.yaml', `allowedHosts:\n  - example.com\n probe:\n  value: ${SECRET}\n`);
      expect(problem).to.match(/^The file is not valid YAML at line 3, column \d+: bad indentation of a mapping entry\./);
    });

    it('drops a reason that would quote the file, such as an unknown alias', () => {
      const problem = problemOf('.healthchecksrc.yml', `allowedHosts: *${SECRET}\n`);
      expect(problem).to.match(/^The file is not valid YAML at line 1, column \d+\. Fix the syntax there\.$/);
    });
  });

  describe('ES modules', () => {
    it('named exports only: says to export the config as the default', () => {
      const problem = problemOf('healthchecks.config.mjs', `export const allowedHosts = ['example.com'];\nexport const probe = { value: '${SECRET}' };\n`);
      expect(problem).to.equal(
        'The module has only named exports (allowedHosts, probe), and the config is its default export. ' +
          'Write `export default { allowedHosts: [...] }`.',
      );
    });

    it('no exports at all: says the same', () => {
      expect(problemOf('healthchecks.config.mjs', `const config = { probe: { value: '${SECRET}' } };\n`)).to.include(
        'The module exports nothing. Write `export default { allowedHosts: [...] }`.',
      );
    });

    it('top-level await: says it cannot be loaded synchronously, and what to do', () => {
      const problem = problemOf('healthchecks.config.mjs', `const value = await Promise.resolve('${SECRET}');\nexport default { probe: { value } };\n`);
      expect(problem).to.include('The module uses top-level await, and healthChecks() loads its config synchronously at startup');
      expect(problem).to.include('pass them to healthChecks() as options');
    });

    it('module.exports in a "type": "module" package: says to rename the file to .cjs', () => {
      const problem = problemOf('healthchecks.config.js', `module.exports = { probe: { value: '${SECRET}' } };\n`, { name: 'fixture', type: 'module' });
      expect(problem).to.include('uses module.exports or require(), but Node loads it as an ES module, because the nearest package.json says "type": "module"');
      expect(problem).to.include('Rename it to healthchecks.config.cjs');
    });

    it('an empty file: an error naming the file, not the defaults', () => {
      expect(problemOf('healthchecks.config.mjs', '\n  \n')).to.include('The file is empty');
      expect(problemOf('.healthchecksrc.json', '')).to.include('The file is empty');
    });

    it('a module that throws: the line in the config file, never a line of this package', () => {
      const problem = problemOf('.healthchecksrc.cjs', `const token = '${SECRET}';\n\nthrow new TypeError(token);\n`);
      expect(problem).to.equal('The module threw a TypeError while loading at line 3, column 7. Make it export the configuration without throwing.');
    });

    it('a syntax error: the line in the config file', () => {
      const problem = problemOf('.healthchecksrc.cjs', `module.exports = {\n  probe: { value: '${SECRET}' } ;\n};\n`);
      expect(problem).to.match(/^The module has a syntax error at line 2\b/);
    });
  });
});
