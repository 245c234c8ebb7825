import { spawnSync } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { makeProject, removeProjects } from './helpers';

// Run in a fresh process with no ts-node, so that Node itself loads the config, as in an app: `npm init -y` writes
// "type": "commonjs", and an `export default` config then fails in Node's own words, which say nothing of the cause.
const DIST = join(__dirname, '..', 'dist');
const TYPESCRIPT = Boolean((process.features as { typescript?: unknown }).typescript);

function load(cwd: string): string {
  const script = `
    const { loadConfig } = require(${JSON.stringify(DIST)});
    try { console.log(JSON.stringify(loadConfig({ cwd: process.cwd() }).config)); }
    catch (error) { console.log(error.problems ? error.problems.join('\\n') : String(error)); }`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  return result.stdout.trim();
}

const CONFIG = '{"allowedHosts":["example.com"]}';
const ESM = `export default ${CONFIG};\n`;
const ESM_TS = `const config: { allowedHosts: string[] } = ${CONFIG};\nexport default config;\n`;
const ESM_IMPORT = `import { hostname } from 'node:os';\nexport default { allowedHosts: ['example.com'], exemptPaths: ['/' + typeof hostname] };\n`;

describe('ES module syntax in a CommonJS package', () => {
  afterEach(removeProjects);

  const cases: [file: string, content: string][] = [
    ['healthchecks.config.js', ESM],
    ['.healthchecksrc.js', ESM_IMPORT],
    ...(TYPESCRIPT ? ([['healthchecks.config.ts', ESM_TS]] as [string, string][]) : []),
  ];
  for (const [file, content] of cases) {
    it(`${file}: names "type": "commonjs" as the cause, and both fixes work`, () => {
      const manifest = { name: 'app', version: '1.0.0', type: 'commonjs' };
      const cwd = makeProject({ 'package.json': manifest, [file]: content });
      const modern = file.replace(/\.([jt])s$/, '.m$1s');
      const said = load(cwd);
      expect(said).to.include(`but Node loads ${file} as CommonJS, because ${join(cwd, 'package.json')} says "type": "commonjs"`);
      expect(said).to.include(`Rename the file to ${modern}, or remove "type": "commonjs" from package.json`);
      expect(said).not.to.include('syntax error');
      // The second fix: drop "type".
      writeFileSync(join(cwd, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
      expect(JSON.parse(load(cwd))).to.have.property('allowedHosts');
      // The first fix: rename, with "type": "commonjs" back.
      writeFileSync(join(cwd, 'package.json'), JSON.stringify(manifest));
      renameSync(join(cwd, file), join(cwd, modern));
      expect(JSON.parse(load(cwd))).to.have.property('allowedHosts');
    });
  }

  it('the reverse, module.exports in a "type": "module" package, names the cause and the fixes', () => {
    const cwd = makeProject({ 'package.json': { name: 'app', type: 'module' }, 'healthchecks.config.js': `module.exports = ${CONFIG};\n` });
    const said = load(cwd);
    expect(said).to.include('uses module.exports or require(), but Node loads it as an ES module, because the nearest package.json says "type": "module"');
    expect(said).to.include('Rename it to healthchecks.config.cjs, or write `export default { ... }` instead.');
    renameSync(join(cwd, 'healthchecks.config.js'), join(cwd, 'healthchecks.config.cjs'));
    expect(JSON.parse(load(cwd))).to.have.property('allowedHosts');
  });

  it('keeps a real syntax error a syntax error', () => {
    const cwd = makeProject({ 'package.json': { name: 'app', type: 'commonjs' }, 'healthchecks.config.js': 'module.exports = { allowedHosts: [ };\n' });
    expect(load(cwd)).to.include('The module has a syntax error at line 1');
  });
});
